/**
 * A cheap completeness check of an ELF shared object before it is handed to dlopen. A library
 * cut short by a build still writing it may pass dlopen and then fault (SIGBUS) when a page past
 * the end of the file is touched, so the reloader checks that the file holds everything its
 * headers point at. Non-ELF platforms (Mach-O, PE) are left to the loader.
 */

/** Why the image is not a complete ELF shared object, or undefined when it looks complete. */
export function elfProblem(bytes: Uint8Array): string | undefined {
  if (bytes.length === 0) return "the file is empty";
  if (bytes.length < 64 || bytes[0] !== 0x7f || bytes[1] !== 0x45 || bytes[2] !== 0x4c || bytes[3] !== 0x46) {
    return "not a shared library (no ELF header)";
  }
  if (bytes[4] !== 2 || bytes[5] !== 1) return "not a 64-bit little-endian ELF file";
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const type = view.getUint16(16, true);
  if (type !== 3) return `not a shared library (ELF type ${type})`;
  const machine = view.getUint16(18, true);
  const host = HOST_MACHINE[process.arch];
  if (host !== undefined && machine !== host) {
    return `built for ${MACHINE_NAMES[machine] ?? `ELF machine ${machine}`}, not for this machine (${MACHINE_NAMES[host]}): build it here, for this machine's target`;
  }
  const phoff = Number(view.getBigUint64(32, true));
  const shoff = Number(view.getBigUint64(40, true));
  const phentsize = view.getUint16(54, true);
  const phnum = view.getUint16(56, true);
  const shentsize = view.getUint16(58, true);
  const shnum = view.getUint16(60, true);
  const size = bytes.length;
  if (phoff + phnum * phentsize > size) return truncated(size);
  for (let i = 0; i < phnum; i++) {
    const at = phoff + i * phentsize;
    const offset = Number(view.getBigUint64(at + 8, true));
    const fileSize = Number(view.getBigUint64(at + 32, true));
    if (offset + fileSize > size) return truncated(size);
  }
  if (shoff !== 0 && shoff + shnum * shentsize > size) return truncated(size);
  return undefined;
}

/** ELF `e_machine` values of the architectures Bun runs on, and names for messages. */
const HOST_MACHINE: Partial<Record<string, number>> = { x64: 62, arm64: 183 };
const MACHINE_NAMES: Partial<Record<number, string>> = { 3: "x86 (32-bit)", 40: "ARM (32-bit)", 62: "x86-64", 183: "AArch64", 243: "RISC-V" };

function truncated(size: number): string {
  return `the file is truncated (${size} bytes; its headers point past the end)`;
}

/** Whether the bytes start like an ELF file (so the completeness check applies). */
export function looksLikeElf(bytes: Uint8Array): boolean {
  return bytes.length >= 4 && bytes[0] === 0x7f && bytes[1] === 0x45 && bytes[2] === 0x4c && bytes[3] === 0x46;
}

/**
 * Why an image cannot be loaded yet, or undefined: on Linux every image must be a complete ELF
 * shared object; elsewhere ELF images are checked and other formats are left to the loader.
 */
export function imageProblem(bytes: Uint8Array): string | undefined {
  return looksLikeElf(bytes) || process.platform === "linux" ? elfProblem(bytes) : undefined;
}
