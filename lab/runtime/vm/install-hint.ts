/** The one sentence every missing-piece error of the VM runtime ends with. */
export const VM_INSTALL_HINT = 'Install them with: apt-get install qemu-system-x86 linux-image-amd64 busybox-static';
