/**
 * The same post reached by slightly different URLs (tracking parameters, a fragment, a trailing
 * slash, upper-case host) is one source. Drills keep their own namespace so an exercise never
 * blocks (or is blocked by) a real report of the same post.
 */
export function sourceKey(url: string, drill: boolean): string {
  let key: string;
  try {
    const parsed = new URL(url.trim());
    parsed.hash = '';
    for (const name of [...parsed.searchParams.keys()])
      if (/^(utm_|spm$|from$|share_|wfr$|isappinstalled$)/i.test(name)) parsed.searchParams.delete(name);
    parsed.searchParams.sort();
    const path = parsed.pathname.replace(/\/+$/, '');
    key = `${parsed.protocol === 'http:' ? 'https:' : parsed.protocol}//${parsed.host.toLowerCase()}${path}${parsed.search}`;
  } catch {
    key = url.trim();
  }
  return drill ? `drill:${key}` : key;
}

export function sourceKeys(urls: string[], drill: boolean): string[] {
  return [...new Set(urls.map((url) => sourceKey(url, drill)))];
}
