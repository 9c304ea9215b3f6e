const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

function decode(text: string): string {
  return text.replace(
    /&(amp|lt|gt|quot|apos|#(\d+)|#x([0-9a-f]+));/gi,
    (_m, name: string, dec?: string, hex?: string) =>
      dec
        ? String.fromCodePoint(Number(dec))
        : hex
          ? String.fromCodePoint(parseInt(hex, 16))
          : ENTITIES[name.toLowerCase()],
  );
}

/** Element id → name of a diagram's flow elements, for showing people names rather than ids. */
export function elementNames(xml: string): Record<string, string> {
  const names: Record<string, string> = {};
  for (const match of xml.matchAll(/<(?:[\w-]+:)?\w+\s[^>]*?\bid="([^"]+)"[^>]*?\bname="([^"]*)"/g))
    names[match[1]] = decode(match[2]);
  for (const match of xml.matchAll(/<(?:[\w-]+:)?\w+\s[^>]*?\bname="([^"]*)"[^>]*?\bid="([^"]+)"/g))
    names[match[2]] ??= decode(match[1]);
  return names;
}
