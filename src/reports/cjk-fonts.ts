import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

/**
 * Noto Sans SC for the PDF reports, from the `noto-sans-sc` package: Google Fonts' split of the
 * font into ~100 WOFF2 files, each covering the code points its CSS `unicode-range` names
 * (14.6 MB packed, against 57 MB for the full TTFs). A report needs only the files holding its
 * characters; each is decoded once per process to TrueType (fontkit cannot subset WOFF2's
 * transformed glyph table: the glyphs came out empty) and pdfkit embeds the glyphs used.
 */

export type FontWeight = 'regular' | 'bold';

const FOLDERS: Record<FontWeight, string> = {
  regular: 'noto_sans_sc_regular',
  bold: 'noto_sans_sc_bold',
};

interface FaceIndex {
  folder: string;
  files: string[];
  /** Sorted, non-overlapping: [first, last, file index]. */
  ranges: Array<[number, number, number]>;
}

const packageRoot = () => path.dirname(createRequire(import.meta.url).resolve('noto-sans-sc/package.json'));

/** The `@font-face` rules of one weight: which file holds which code points. */
export function parseFaceCss(css: string): Array<{ file: string; ranges: Array<[number, number]> }> {
  const faces = [];
  for (const rule of css.matchAll(/@font-face\s*{([^}]*)}/g)) {
    const file = /src:\s*url\(['"]?([^'")]+)['"]?\)/.exec(rule[1])?.[1];
    const range = /unicode-range:\s*([^;]+);/.exec(rule[1])?.[1];
    if (!file || !range) continue;
    const ranges = range.split(',').map((part): [number, number] => {
      const [first, last = first] = part.trim().replace(/^U\+/i, '').split('-');
      return [parseInt(first, 16), parseInt(last, 16)];
    });
    faces.push({ file, ranges: ranges.filter(([a, b]) => Number.isFinite(a) && Number.isFinite(b)) });
  }
  return faces;
}

const indexes = new Map<FontWeight, FaceIndex>();

function faceIndex(weight: FontWeight): FaceIndex {
  let index = indexes.get(weight);
  if (!index) {
    const folder = path.join(packageRoot(), FOLDERS[weight]);
    const faces = parseFaceCss(readFileSync(path.join(folder, 'css.css'), 'utf8'));
    const ranges = faces
      .flatMap((face, i) => face.ranges.map(([a, b]): [number, number, number] => [a, b, i]))
      .sort((x, y) => x[0] - y[0]);
    index = { folder, files: faces.map((face) => face.file), ranges };
    indexes.set(weight, index);
  }
  return index;
}

/** The file (index) holding a code point, or -1. */
function faceOf(index: FaceIndex, codePoint: number): number {
  let low = 0;
  let high = index.ranges.length - 1;
  while (low <= high) {
    const mid = (low + high) >> 1;
    const [first, last, face] = index.ranges[mid];
    if (codePoint < first) high = mid - 1;
    else if (codePoint > last) low = mid + 1;
    else return face;
  }
  return -1;
}

const decoded = new Map<string, Promise<Uint8Array>>();
let decoding: Promise<unknown> = Promise.resolve();

/**
 * One file decoded to TrueType, once per process. Decodes run one at a time: wawoff2 hands back
 * a view of its WebAssembly heap, which the next decode overwrites, so each is copied before the
 * next starts. The copy is a plain Uint8Array because pdfkit tells a font's bytes by `instanceof
 * Uint8Array`, which a Buffer from another realm (jest's module sandbox) fails.
 */
function decodedFace(file: string): Promise<Uint8Array> {
  let font = decoded.get(file);
  if (!font) {
    font = decoding.then(async () => {
      // Loaded on first use: its WebAssembly decoder costs memory a node without reports never needs.
      const { decompress } = await import('wawoff2');
      return new Uint8Array(await decompress(readFileSync(file)));
    });
    decoding = font.catch(() => undefined);
    // A failed decode must not stay cached as a rejection.
    font.catch(() => decoded.delete(file));
    decoded.set(file, font);
  }
  return font;
}

/** A stretch of text drawn in one font. */
export interface FontRun {
  font: string;
  text: string;
}

/** Where a character no file holds is drawn as this (in the file that holds it). */
const MISSING = '?';
/** Always loaded: page numbers, dates and the replacement character. */
const ALWAYS = ' 0123456789?-:/.()（）：，、·第页共';

/**
 * The fonts one document needs, decoded before drawing starts (drawing is synchronous): give it
 * every string the document will draw. `register` names them on a pdfkit document; `runs` splits
 * a string into runs of one font each.
 */
export class CjkFontSet {
  /** Characters drawn that no loaded file held (the caller may load them and draw again). */
  readonly missing = new Set<string>();

  private constructor(private readonly loaded: Map<string, Uint8Array>) {}

  static async for(
    texts: Iterable<string>,
    weights: FontWeight[] = ['regular', 'bold'],
  ): Promise<CjkFontSet> {
    const codePoints = new Set<number>();
    for (const text of [ALWAYS, ...texts]) for (const char of text) codePoints.add(char.codePointAt(0)!);
    const loaded = new Map<string, Uint8Array>();
    await Promise.all(
      weights.flatMap((weight) => {
        const index = faceIndex(weight);
        const faces = new Set([...codePoints].map((cp) => faceOf(index, cp)).filter((face) => face >= 0));
        return [...faces].map(async (face) => {
          loaded.set(fontName(weight, face), await decodedFace(path.join(index.folder, index.files[face])));
        });
      }),
    );
    return new CjkFontSet(loaded);
  }

  register(doc: PDFKit.PDFDocument): void {
    for (const [name, font] of this.loaded) doc.registerFont(name, font);
  }

  runs(text: string, weight: FontWeight): FontRun[] {
    const index = faceIndex(weight);
    const runs: FontRun[] = [];
    for (const char of text) {
      const face = faceOf(index, char.codePointAt(0)!);
      let name = fontName(weight, face);
      let drawn = char;
      if (!this.loaded.has(name)) {
        if (face >= 0) this.missing.add(char);
        drawn = MISSING;
        name = fontName(weight, faceOf(index, MISSING.codePointAt(0)!));
      }
      const last = runs.at(-1);
      if (last?.font === name) last.text += drawn;
      else runs.push({ font: name, text: drawn });
    }
    return runs;
  }
}

const fontName = (weight: FontWeight, face: number) => `noto-sc-${weight}-${face}`;
