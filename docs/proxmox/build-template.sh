#!/bin/bash
# Builds the VM template a gazr "proxmox" environment clones: Debian 12
# (the genericcloud image) with Docker Engine (Debian's docker.io), the
# QEMU guest agent and cloud-init, converted to a Proxmox VE template.
# See docs/deploy-proxmox.md.
#
# Run it as root on a PVE node (8.1 or later) that has libguestfs-tools
# (virt-customize) and reaches the Debian mirrors:
#
#   apt-get install libguestfs-tools
#   ./build-template.sh -s ceph-vm 9000                 # managers
#   ./build-template.sh -s ceph-vm -c 4 -m 8192 -n debian-12-docker-worker 9001
#
# Options (defaults in brackets):
#   -s STORAGE  storage of the disk and the cloud-init drive [local-lvm];
#               to place clones on other nodes, a shared one (Ceph RBD,
#               NFS, ...): PVE clones across nodes only from shared storage
#   -b BRIDGE   bridge of the network device [vmbr0]
#   -t VLAN     VLAN tag of the network device [none]
#   -c CORES    [2]   -m MEMORY in MiB [4096]   -d DISK size [32G]
#   -C CPU      CPU type [x86-64-v2-AES]; "host" is faster but a VM then
#               migrates only between nodes with the same CPU
#   -n NAME     the template's name [debian-12-docker]
#   -u USER     the cloud-init user of its clones (ciuser) [the image's:
#               debian]; gazr's ssh_user, when set, replaces it per clone
#   -k FILE     a public key file authorised for that user (sshkeys)
#               [none], for VMs cloned by hand: gazr sets its ssh_key
#               on every VM it clones
#   -i IMAGE    a Debian 12 cloud image already downloaded (and checked);
#               default: the latest genericcloud-amd64 image, checked
#               against Debian's SHA512SUMS
#
# What the image gets (the downloaded or given file is not modified):
#   - docker.io and qemu-guest-agent, from Debian's mirrors;
#   - /etc/docker/daemon.json: json-file logs rotated (3 x 10 MB);
#   - a cloud-init drop-in that puts the default user in the docker group:
#     gazr sets that user (ciuser, its ssh_user) on every clone and reaches
#     the engine through it without sudo;
#   - an empty /etc/machine-id, so that every clone makes its own (and
#     gets its own DHCP lease);
# and the template: the guest agent enabled, a serial console, cloud-init
# with DHCP (ipconfig0) and no package upgrade at first boot (ciupgrade 0:
# clones boot in seconds and the same software runs on every node), and
# start at boot (onboot), all inherited by its clones.
set -euo pipefail

IMAGE_BASE=https://cloud.debian.org/images/cloud/bookworm/latest
IMAGE_FILE=debian-12-genericcloud-amd64.qcow2

storage=local-lvm bridge=vmbr0 vlan='' cores=2 memory=4096 disk=32G
cpu=x86-64-v2-AES name=debian-12-docker image='' ciuser='' sshkeys=''

usage() {
	echo "usage: $0 [options] VMID" >&2
	sed -n '/^# Options/,/^#$/p' "$0" | sed 's/^# \{0,1\}//' >&2
	exit 2
}

die() {
	echo "build-template: $*" >&2
	exit 1
}

while getopts 's:b:t:c:m:d:C:n:u:k:i:h' opt; do
	case $opt in
	s) storage=$OPTARG ;;
	b) bridge=$OPTARG ;;
	t) vlan=$OPTARG ;;
	c) cores=$OPTARG ;;
	m) memory=$OPTARG ;;
	d) disk=$OPTARG ;;
	C) cpu=$OPTARG ;;
	n) name=$OPTARG ;;
	u) ciuser=$OPTARG ;;
	k) sshkeys=$OPTARG ;;
	i) image=$OPTARG ;;
	*) usage ;;
	esac
done
shift $((OPTIND - 1))
[ $# -eq 1 ] || usage
vmid=$1
[[ $vmid =~ ^[1-9][0-9]{2,8}$ ]] || die "VMID \"$vmid\" must be a number from 100 to 999999999"

for cmd in qm pvesh pvesm virt-customize; do
	command -v "$cmd" >/dev/null || {
		[ "$cmd" = virt-customize ] && die "virt-customize not found: apt-get install libguestfs-tools"
		die "$cmd not found: run this on a Proxmox VE node"
	}
done
[ "$(id -u)" -eq 0 ] || die "run as root (qm and virt-customize need it)"
# Asks the cluster, not only this node, whether the id is free.
pvesh get /cluster/nextid --vmid "$vmid" >/dev/null 2>&1 ||
	die "VM id $vmid is in use in the cluster: choose another (pvesh get /cluster/nextid)"
pvesm status --storage "$storage" >/dev/null 2>&1 ||
	die "storage \"$storage\" is not active on this node (pvesm status lists them)"
[ -z "$image" ] || [ -f "$image" ] || die "image \"$image\" not found"
[ -z "$sshkeys" ] || grep -q '^ssh-\|^ecdsa-\|^sk-' "$sshkeys" 2>/dev/null ||
	die "-k \"$sshkeys\" must be a public key file (~/.ssh/id_ed25519.pub)"

work=$(mktemp -d "${TMPDIR:-/var/tmp}/gazr-template.XXXXXX")
trap 'rm -rf "$work"' EXIT

if [ -z "$image" ]; then
	echo "downloading $IMAGE_BASE/$IMAGE_FILE"
	curl -fL --retry 3 -o "$work/$IMAGE_FILE" "$IMAGE_BASE/$IMAGE_FILE"
	curl -fsSL --retry 3 -o "$work/SHA512SUMS" "$IMAGE_BASE/SHA512SUMS"
	(cd "$work" && grep " $IMAGE_FILE\$" SHA512SUMS | sha512sum -c --quiet -) ||
		die "$IMAGE_FILE does not match Debian's SHA512SUMS: download again"
	image=$work/$IMAGE_FILE
fi
cp -- "$image" "$work/disk.qcow2"

cat >"$work/daemon.json" <<'EOF'
{
  "log-driver": "json-file",
  "log-opts": { "max-size": "10m", "max-file": "3" }
}
EOF
# cloud.cfg.d drop-ins are merged over cloud.cfg key by key: this list
# replaces Debian's default groups, plus docker.
cat >"$work/90-gazr-docker.cfg" <<'EOF'
# gazr: the default user (the VM's ciuser) reaches Docker without sudo.
system_info:
  default_user:
    groups: [adm, audio, cdrom, dialout, dip, floppy, netdev, plugdev, sudo, video, docker]
EOF

echo "installing docker.io and qemu-guest-agent into the image"
virt-customize -a "$work/disk.qcow2" \
	--install docker.io,qemu-guest-agent \
	--mkdir /etc/docker \
	--upload "$work/daemon.json:/etc/docker/daemon.json" \
	--upload "$work/90-gazr-docker.cfg:/etc/cloud/cloud.cfg.d/90-gazr-docker.cfg" \
	--run-command 'apt-get clean' \
	--truncate /etc/machine-id

net="virtio,bridge=$bridge"
[ -z "$vlan" ] || net="$net,tag=$vlan"
echo "creating VM $vmid ($name) on storage $storage"
qm create "$vmid" --name "$name" --ostype l26 --cpu "$cpu" --cores "$cores" --memory "$memory" \
	--scsihw virtio-scsi-single --net0 "$net" --agent enabled=1 --serial0 socket --vga serial0 \
	--onboot 1 --description "Debian 12 genericcloud, docker.io, qemu-guest-agent: gazr's build-template.sh, $(date -u +%Y-%m-%d)"
qm disk import "$vmid" "$work/disk.qcow2" "$storage"
volume=$(qm config "$vmid" | sed -n 's/^unused0: *//p')
[ -n "$volume" ] || die "the imported disk is not in VM $vmid's config (qm config $vmid): remove the VM with qm destroy $vmid and run again"
qm set "$vmid" --scsi0 "$volume,discard=on,iothread=1,ssd=1" --boot order=scsi0 \
	--ide2 "$storage:cloudinit" --ipconfig0 ip=dhcp --ciupgrade 0
[ -z "$ciuser" ] || qm set "$vmid" --ciuser "$ciuser"
[ -z "$sshkeys" ] || qm set "$vmid" --sshkeys "$sshkeys"
qm disk resize "$vmid" scsi0 "$disk"
qm template "$vmid"
echo "template $vmid ($name) ready: template = { manager = $vmid, ... } in [env.<name>.proxmox]"
