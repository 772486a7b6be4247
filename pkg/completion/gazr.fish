# fish completion for gazr.
# Install: gazr completion fish > ~/.config/fish/completions/gazr.fish
function __gazr_complete
    set -l words (commandline -opc) (commandline -ct)
    $words[1] __complete $words[2..-1] 2>/dev/null
end
complete -c gazr -f -a '(__gazr_complete)'
