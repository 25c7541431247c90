/** The widest range this pattern accepts as an RTMP sender; anything wider is most of the internet. */
export const WIDEST_PREFIX = 8;

/**
 * Checks the CIDR that may push RTMP to the MediaLive input and returns it in network form
 * (203.0.113.77/24 becomes 203.0.113.0/24). Throws with a readable message instead of letting
 * CloudFormation fail half-way through a deploy.
 */
export function parseIngestCidr(value: string): string {
  const match = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/.exec(value.trim());
  if (!match) throw new Error(`ingestCidr "${value}" is not an IPv4 CIDR such as 203.0.113.7/32`);
  const octets = match.slice(1, 5).map(Number);
  const prefix = Number(match[5]);
  if (octets.some((o) => o > 255) || prefix > 32) throw new Error(`ingestCidr "${value}" is out of range`);
  if (prefix < WIDEST_PREFIX) {
    throw new Error(`ingestCidr "${value}" is wider than /${WIDEST_PREFIX}; allow only the address your encoder sends from`);
  }
  const address = octets.reduce((acc, o) => acc * 256 + o, 0);
  const size = 2 ** (32 - prefix);
  const network = Math.floor(address / size) * size;
  const parts = [24, 16, 8, 0].map((shift) => Math.floor(network / 2 ** shift) % 256);
  return `${parts.join('.')}/${prefix}`;
}
