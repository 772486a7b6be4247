package config

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
)

const buildTemplate = "../../docs/proxmox/build-template.sh"

// templateStubs stand in for the PVE node's commands: each logs its
// arguments to $STUB_LOG; qm config shows the imported disk as unused0;
// pvesh says VM id $STUB_USED is taken; curl serves an image and Debian's
// SHA512SUMS for it (a wrong sum with $STUB_BAD_SUM); virt-customize
// copies the files it uploads to $STUB_OUT.
var templateStubs = map[string]string{
	"qm":    `[ "$1" = config ] && echo "unused0: ceph-vm:vm-$2-disk-0"; exit 0`,
	"pvesh": `[ "$4" = "${STUB_USED:-}" ] && { echo "VM $4 already exists" >&2; exit 255; }; exit 0`,
	"pvesm": `exit 0`,
	"id":    `echo 0`,
	"curl": `for a; do case $prev in -o) out=$a ;; esac; prev=$a; done
case $a in
*/SHA512SUMS) sum=$(printf 'fake image\n' | sha512sum | cut -d' ' -f1)
	[ -n "${STUB_BAD_SUM:-}" ] && sum=$(printf 'other\n' | sha512sum | cut -d' ' -f1)
	echo "$sum  debian-12-genericcloud-amd64.qcow2" >"$out" ;;
*) printf 'fake image\n' >"$out" ;;
esac`,
	"virt-customize": `for a; do [ "$prev" = --upload ] && cp "${a%%:*}" "$STUB_OUT/$(basename "${a#*:}")"; prev=$a; done`,
}

// TestBuildTemplateScript: docs/proxmox/build-template.sh is bash that
// shellcheck passes, and run against stubs of the PVE node's commands it
// makes the template the guide describes, in order, and refuses a VM id
// in use or an image that does not match Debian's checksums, leaving no
// temporary files.
func TestBuildTemplateScript(t *testing.T) {
	if out, err := exec.Command("bash", "-n", buildTemplate).CombinedOutput(); err != nil {
		t.Fatalf("bash -n %s: %v\n%s", buildTemplate, err, out)
	}
	if _, err := exec.LookPath("shellcheck"); err != nil {
		t.Log("shellcheck not installed (apt-get install shellcheck): not run")
	} else if out, err := exec.Command("shellcheck", buildTemplate).CombinedOutput(); err != nil {
		t.Errorf("shellcheck %s: %v\n%s", buildTemplate, err, out)
	}
	want := strings.Join([]string{
		"pvesh get /cluster/nextid --vmid 9000",
		"pvesm status --storage ceph-vm",
		"virt-customize -a TMP/disk.qcow2 --install docker.io,qemu-guest-agent --mkdir /etc/docker" +
			" --upload TMP/daemon.json:/etc/docker/daemon.json --upload TMP/90-gazr-docker.cfg:/etc/cloud/cloud.cfg.d/90-gazr-docker.cfg" +
			" --run-command apt-get clean --truncate /etc/machine-id",
		"qm create 9000 --name debian-12-docker --ostype l26 --cpu x86-64-v2-AES --cores 2 --memory 4096 --scsihw virtio-scsi-single" +
			" --net0 virtio,bridge=vmbr0,tag=20 --agent enabled=1 --serial0 socket --vga serial0 --onboot 1 --description DESC",
		"qm disk import 9000 TMP/disk.qcow2 ceph-vm",
		"qm config 9000",
		"qm set 9000 --scsi0 ceph-vm:vm-9000-disk-0,discard=on,iothread=1,ssd=1 --boot order=scsi0 --ide2 ceph-vm:cloudinit --ipconfig0 ip=dhcp --ciupgrade 0",
		"qm set 9000 --ciuser admin",
		"qm disk resize 9000 scsi0 32G",
		"qm template 9000",
	}, "\n")
	for _, tt := range []struct {
		name    string
		args    []string
		env     []string
		wantLog string
		wantErr string
	}{
		{"download", []string{"-s", "ceph-vm", "-t", "20", "-u", "admin", "9000"}, nil,
			strings.Replace(want, "virt-customize", "curl -fL --retry 3 -o TMP/debian-12-genericcloud-amd64.qcow2 https://cloud.debian.org/images/cloud/bookworm/latest/debian-12-genericcloud-amd64.qcow2\n"+
				"curl -fsSL --retry 3 -o TMP/SHA512SUMS https://cloud.debian.org/images/cloud/bookworm/latest/SHA512SUMS\nvirt-customize", 1), ""},
		{"image given", []string{"-s", "ceph-vm", "-t", "20", "-u", "admin", "-i", "IMAGE", "9000"}, nil, want, ""},
		{"id in use", []string{"9000"}, []string{"STUB_USED=9000"}, "pvesh get /cluster/nextid --vmid 9000",
			"build-template: VM id 9000 is in use in the cluster: choose another (pvesh get /cluster/nextid)"},
		{"bad checksum", []string{"9001"}, []string{"STUB_BAD_SUM=1"}, "pvesh get /cluster/nextid --vmid 9001\npvesm status --storage local-lvm\n" +
			"curl -fL --retry 3 -o TMP/debian-12-genericcloud-amd64.qcow2 https://cloud.debian.org/images/cloud/bookworm/latest/debian-12-genericcloud-amd64.qcow2\n" +
			"curl -fsSL --retry 3 -o TMP/SHA512SUMS https://cloud.debian.org/images/cloud/bookworm/latest/SHA512SUMS", "debian-12-genericcloud-amd64.qcow2 does not match Debian's SHA512SUMS: download again"},
		{"bad id", []string{"42"}, nil, "", `build-template: VMID "42" must be a number from 100 to 999999999`},
	} {
		t.Run(tt.name, func(t *testing.T) {
			log, stderr, err := runBuildTemplate(t, tt.args, tt.env)
			if (err != nil) != (tt.wantErr != "") || !strings.Contains(stderr, tt.wantErr) {
				t.Errorf("exit %v, stderr:\n%s\nwant %q", err, stderr, tt.wantErr)
			}
			if log != tt.wantLog {
				t.Errorf("commands run:\n%s\nwant:\n%s", log, tt.wantLog)
			}
		})
	}
}

// runBuildTemplate runs the script with the stubs first in PATH and
// returns the commands they logged (its temporary directory as TMP, the
// description, which has the date, as DESC), its stderr and its exit
// error. It checks that the temporary directory is left empty.
func runBuildTemplate(t *testing.T, args, env []string) (log, stderr string, err error) {
	dir := t.TempDir()
	bin, tmp := filepath.Join(dir, "bin"), filepath.Join(dir, "tmp")
	for _, d := range []string{bin, tmp, filepath.Join(dir, "out")} {
		if err := os.Mkdir(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	for name, body := range templateStubs {
		script := "#!/bin/bash\necho \"" + name + " $*\" >>\"$STUB_LOG\"\n" + body + "\n"
		if name == "id" {
			script = "#!/bin/bash\n" + body + "\n"
		}
		if err := os.WriteFile(filepath.Join(bin, name), []byte(script), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	image := filepath.Join(dir, "image.qcow2")
	if err := os.WriteFile(image, []byte("fake image\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	args = slices.Clone(args)
	if i := slices.Index(args, "IMAGE"); i >= 0 {
		args[i] = image
	}
	cmd := exec.Command("bash", append([]string{buildTemplate}, args...)...)
	cmd.Env = append(os.Environ(), "PATH="+bin+":"+os.Getenv("PATH"), "TMPDIR="+tmp,
		"STUB_LOG="+filepath.Join(dir, "log"), "STUB_OUT="+filepath.Join(dir, "out"))
	cmd.Env = append(cmd.Env, env...)
	var errb strings.Builder
	cmd.Stderr = &errb
	err = cmd.Run()
	if left, _ := os.ReadDir(tmp); len(left) != 0 {
		t.Errorf("the script left %d files in TMPDIR", len(left))
	}
	if err == nil {
		checkUploads(t, filepath.Join(dir, "out"))
	}
	data, _ := os.ReadFile(filepath.Join(dir, "log"))
	log = regexp.MustCompile(regexp.QuoteMeta(tmp)+`/gazr-template\.\w+/`).ReplaceAllString(strings.TrimSpace(string(data)), "TMP/")
	log = regexp.MustCompile(` --description [^\n]*`).ReplaceAllString(log, " --description DESC")
	return log, errb.String(), err
}

// checkUploads: the files the script put into the image are what the
// guide says: Docker's daemon.json is JSON with rotated logs, and the
// cloud-init drop-in adds docker to the default user's groups.
func checkUploads(t *testing.T, out string) {
	daemon, err := os.ReadFile(filepath.Join(out, "daemon.json"))
	if err != nil || !json.Valid(daemon) || !strings.Contains(string(daemon), `"max-size": "10m"`) {
		t.Errorf("daemon.json uploaded into the image: %v\n%s", err, daemon)
	}
	cfg, err := os.ReadFile(filepath.Join(out, "90-gazr-docker.cfg"))
	if err != nil || !regexp.MustCompile(`(?m)^system_info:\n  default_user:\n    groups: \[[a-z, ]*, docker\]$`).Match(cfg) {
		t.Errorf("cloud-init drop-in uploaded into the image: %v\n%s", err, cfg)
	}
}
