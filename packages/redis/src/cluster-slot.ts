/** Hash slots in a Redis Cluster. */
export const CLUSTER_SLOTS = 16_384;

/** CRC16-CCITT (XModem), the checksum Redis Cluster hashes keys with, as a lookup table. */
const TABLE = new Uint16Array(256);
for (let byte = 0; byte < 256; byte++) {
  let crc = byte << 8;
  for (let bit = 0; bit < 8; bit++) crc = crc & 0x8000 ? ((crc << 1) ^ 0x1021) & 0xffff : (crc << 1) & 0xffff;
  TABLE[byte] = crc;
}

const encoder = new TextEncoder();

/**
 * The Redis Cluster hash slot of a key or shard channel (what `CLUSTER KEYSLOT` answers): CRC16 of
 * its UTF-8 bytes, or of its hash tag (the text between the first `{` and the next `}`, if not empty).
 */
export function clusterSlot(name: string): number {
  let bytes = encoder.encode(name);
  const open = bytes.indexOf(0x7b);
  if (open >= 0) {
    const close = bytes.indexOf(0x7d, open + 1);
    if (close > open + 1) bytes = bytes.subarray(open + 1, close);
  }
  let crc = 0;
  for (const byte of bytes) crc = ((crc << 8) & 0xffff) ^ TABLE[((crc >> 8) ^ byte) & 0xff]!;
  return crc % CLUSTER_SLOTS;
}
