/** Far deeper than any diagram a modeler draws (the plan's go 8 levels deep). */
export const MAX_XML_DEPTH = 100;

/** Where the construct that starts at `at` ends, or -1 when the document ends first. */
function skipPast(xml: string, at: number, end: string): number {
  const found = xml.indexOf(end, at);
  return found < 0 ? -1 : found + end.length;
}

const LT_IN_ATTRIBUTE = -2;

/**
 * The `>` closing the tag that opens at `at`, skipping quoted attribute values (which may hold
 * `>`); LT_IN_ATTRIBUTE for a value holding `<`, which XML forbids and the parser lets through.
 */
function tagEnd(xml: string, at: number): number {
  let quote = '';
  for (let i = at; i < xml.length; i++) {
    const char = xml[i];
    if (quote) {
      if (char === quote) quote = '';
      else if (char === '<') return LT_IN_ATTRIBUTE;
    } else if (char === '"' || char === "'") quote = char;
    else if (char === '>') return i;
  }
  return -1;
}

/** Characters XML 1.0 does not allow anywhere, not even escaped (lone surrogates included). */
const ILLEGAL_CHARACTER =
  // eslint-disable-next-line no-control-regex -- control characters are what it looks for
  /[\x00-\x08\x0B\x0C\x0E-\x1F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
/** Comments, CDATA sections and processing instructions, where `&` is only text. */
const LITERAL_SECTIONS = /<!--[\s\S]*?-->|<!\[CDATA\[[\s\S]*?\]\]>|<\?[\s\S]*?\?>/g;
/** `&` and what follows it up to a `;` (or what stands there instead). */
const REFERENCE = /&([^;\s<&"']{0,20})(;?)/g;
const PREDEFINED = new Set(['lt', 'gt', 'amp', 'quot', 'apos']);

const isXmlCharacter = (code: number) =>
  code === 0x9 ||
  code === 0xa ||
  code === 0xd ||
  (code >= 0x20 && code <= 0xd7ff) ||
  (code >= 0xe000 && code <= 0xfffd) ||
  (code >= 0x10000 && code <= 0x10ffff);

/**
 * Characters and references that make the document not well-formed but that the BPMN parser
 * lets through (it keeps `&undefined;` as text and turns `&#0;` into a NUL): the stored XML
 * would then be refused by every strict tool that opens it.
 */
function characterProblem(xml: string): string | null {
  const illegal = ILLEGAL_CHARACTER.exec(xml);
  if (illegal)
    return `the character U+${illegal[0].charCodeAt(0).toString(16).padStart(4, '0').toUpperCase()} is not allowed in XML`;
  for (const match of xml.replace(LITERAL_SECTIONS, '').matchAll(REFERENCE)) {
    const [text, name, semicolon] = match;
    const code = /^#\d{1,7}$/.test(name)
      ? Number(name.slice(1))
      : /^#x[0-9a-fA-F]{1,6}$/.test(name)
        ? parseInt(name.slice(2), 16)
        : -1;
    if (!semicolon || !(PREDEFINED.has(name) || isXmlCharacter(code)))
      return `"${text}" is not an XML reference (only &lt; &gt; &amp; &quot; &apos; and character references to allowed characters)`;
  }
  return null;
}

/**
 * What is wrong with the XML itself before it is parsed, or null. A document type declaration is
 * refused outright: a BPMN diagram never needs one, and its entities and external DTDs are the
 * stuff of entity-expansion bombs and external-entity reads in every other tool that opens the
 * stored XML. Nesting deeper than MAX_XML_DEPTH is refused because the linter walks the tree
 * recursively and would run out of stack. Malformed XML passes here: the parser names its fault.
 */
export function xmlShapeProblem(xml: string): string | null {
  let depth = 0;
  let at = xml.indexOf('<');
  while (at >= 0) {
    let next: number;
    if (xml.startsWith('<!--', at)) {
      next = skipPast(xml, at + 4, '-->');
      const comment = next >= 0 ? xml.slice(at + 4, next - 3) : '';
      if (comment.includes('--') || comment.endsWith('-')) return 'a comment may not contain "--"';
    } else if (xml.startsWith('<![CDATA[', at)) next = skipPast(xml, at + 9, ']]>');
    else if (xml.startsWith('<?', at)) next = skipPast(xml, at + 2, '?>');
    else if (xml.startsWith('<!', at))
      return 'a diagram may not declare a document type or entities (<!DOCTYPE …>, <!ENTITY …>)';
    else {
      const end = tagEnd(xml, at + 1);
      if (end === LT_IN_ATTRIBUTE) return 'an attribute value may not contain "<" (write &lt;)';
      if (end < 0) return null;
      if (xml[at + 1] === '/') depth--;
      else if (xml[end - 1] !== '/' && ++depth > MAX_XML_DEPTH)
        return `elements are nested more than ${MAX_XML_DEPTH} levels deep`;
      next = end + 1;
    }
    if (next < 0) return null;
    at = xml.indexOf('<', next);
  }
  return characterProblem(xml);
}
