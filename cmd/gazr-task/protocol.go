package main

// protocol is the version of what gazr and gazr-task agree on: the command
// line (gazr-task [--force] <task> [VAR=value...] [-- <args>...]), the exit
// codes and the mount at /gazr/bin/gazr-task. `gazr-task --protocol`
// prints it; gazr refuses a helper whose number differs from its own
// (pkg/taskfile.HelperProtocol, kept equal by a test there). Bump both on
// any change a gazr of the other release would misread.
const protocol = 1
