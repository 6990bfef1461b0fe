/** Office files (XLSX, DOCX) are ZIPs: what they unpack to is checked before they are opened, against zip bombs. */

/** The sum of the unpacked sizes the zip's central directory declares; null when it is not a zip. */
export function zipUnpackedSize(data: Buffer): number | null {
  if (data.length < 22 || data.readUInt32LE(0) !== 0x04034b50) return null;
  for (let eocd = data.length - 22; eocd >= Math.max(0, data.length - 22 - 65_535); eocd--) {
    if (data.readUInt32LE(eocd) !== 0x06054b50) continue;
    const entries = data.readUInt16LE(eocd + 10);
    let at = data.readUInt32LE(eocd + 16);
    let total = 0;
    for (let i = 0; i < entries; i++) {
      if (at + 46 > data.length || data.readUInt32LE(at) !== 0x02014b50) return null;
      const size = data.readUInt32LE(at + 24);
      if (size === 0xffffffff) return Number.MAX_SAFE_INTEGER; // ZIP64: far beyond any file the bot reads
      total += size;
      at += 46 + data.readUInt16LE(at + 28) + data.readUInt16LE(at + 30) + data.readUInt16LE(at + 32);
    }
    return total;
  }
  return null;
}
