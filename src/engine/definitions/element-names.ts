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

const cached = new Map<string, Record<string, string>>();

/**
 * The names of one deployed definition version, read once: versions never change, so the map
 * is kept for the life of the process.
 */
export async function elementNamesOf(
  definitions: { byId(id: string): Promise<{ source: string } | null> },
  definitionId: string,
): Promise<Record<string, string>> {
  let names = cached.get(definitionId);
  if (!names) {
    const definition = await definitions.byId(definitionId);
    if (!definition) return {};
    names = elementNames(definition.source);
    cached.set(definitionId, names);
  }
  return names;
}
