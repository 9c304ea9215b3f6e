import type { CjkFontSet, FontWeight } from './cjk-fonts.js';

/**
 * Text on a pdfkit page in the split CJK fonts: measured, broken into lines and drawn run by run
 * at explicit positions, so the report knows every block's height before it places it (pdfkit's
 * own flowing text measures one font at a time).
 */

export interface TextStyle {
  size: number;
  weight?: FontWeight;
  color?: string;
}

interface MeasuredRun {
  font: string;
  text: string;
  width: number;
}

export interface TextLine {
  runs: MeasuredRun[];
  width: number;
}

/** Ideographs, kana, CJK punctuation and full-width forms: a line may break before or after each. */
const CJK = '\\u2e80-\\u9fff\\uf900-\\ufaff\\ufe30-\\ufe4f\\uff00-\\uffef';
/** Break opportunities: runs of spaces, each CJK character alone, and words. */
const TOKEN = new RegExp(`\\s+|[${CJK}]|[^\\s${CJK}]+`, 'gu');
/** Never at the start of a line. */
const CLOSING = /^[，。、；：？！）】」』》〉”’,.;:?!)\]}%]$/u;
/** Never at the end of a line. */
const OPENING = /^[（【「『《〈“‘([{]$/u;

/** The paragraph's tokens: closing punctuation kept with what precedes it, opening with what follows. */
function tokens(paragraph: string): string[] {
  const raw = paragraph.match(TOKEN) ?? [];
  const merged: string[] = [];
  let carry = '';
  for (const token of raw) {
    if (OPENING.test(token)) {
      carry += token;
      continue;
    }
    if (CLOSING.test(token) && merged.length > 0 && !carry) merged[merged.length - 1] += token;
    else merged.push(carry + token);
    carry = '';
  }
  if (carry) merged.push(carry);
  return merged;
}

export const lineHeightOf = (style: TextStyle) => style.size * 1.4;

export class PdfText {
  private readonly measured = new Map<string, MeasuredRun[]>();

  constructor(
    private readonly doc: PDFKit.PDFDocument,
    private readonly fonts: CjkFontSet,
  ) {}

  /** A token's runs with their widths; tokens repeat a lot in tables, so each is measured once. */
  private measure(text: string, style: TextStyle): MeasuredRun[] {
    const key = `${style.weight ?? 'regular'}|${style.size}|${text}`;
    let runs = this.measured.get(key);
    if (!runs) {
      runs = this.fonts.runs(text, style.weight ?? 'regular').map((run) => ({
        ...run,
        width: this.doc.font(run.font).fontSize(style.size).widthOfString(run.text),
      }));
      this.measured.set(key, runs);
    }
    return runs;
  }

  width(text: string, style: TextStyle): number {
    return this.measure(text, style).reduce((sum, run) => sum + run.width, 0);
  }

  /** The text broken into lines no wider than `width` (newlines kept; over-long words split). */
  lines(text: string, width: number, style: TextStyle): TextLine[] {
    const lines: TextLine[] = [];
    for (const paragraph of text.replace(/\r\n?/g, '\n').replace(/\t/g, ' ').split('\n')) {
      let line: TextLine = { runs: [], width: 0 };
      const push = (runs: MeasuredRun[], runsWidth: number) => {
        for (const run of runs) {
          const last = line.runs.at(-1);
          if (last?.font === run.font) {
            last.text += run.text;
            last.width += run.width;
          } else line.runs.push({ ...run });
        }
        line.width += runsWidth;
      };
      const breakLine = () => {
        lines.push(line);
        line = { runs: [], width: 0 };
      };
      for (const token of tokens(paragraph)) {
        const runs = this.measure(token, style);
        const tokenWidth = runs.reduce((sum, run) => sum + run.width, 0);
        if (/^\s+$/.test(token)) {
          // Spaces never start a line; where they would overflow, the line ends instead.
          if (line.runs.length === 0) continue;
          if (line.width + tokenWidth > width) breakLine();
          else push(runs, tokenWidth);
          continue;
        }
        if (line.width + tokenWidth <= width) {
          push(runs, tokenWidth);
          continue;
        }
        if (line.runs.length > 0) breakLine();
        if (tokenWidth <= width) {
          push(runs, tokenWidth);
          continue;
        }
        // A word wider than the line: split it character by character.
        for (const char of token) {
          const charRuns = this.measure(char, style);
          const charWidth = charRuns.reduce((sum, run) => sum + run.width, 0);
          if (line.width + charWidth > width && line.runs.length > 0) breakLine();
          push(charRuns, charWidth);
        }
      }
      lines.push(line);
    }
    return lines;
  }

  /** Draws lines from `y` down; `align` within `width` from `x`. */
  draw(
    lines: TextLine[],
    x: number,
    y: number,
    style: TextStyle,
    options: { width?: number; align?: 'left' | 'center' | 'right' } = {},
  ): void {
    const lineHeight = lineHeightOf(style);
    this.doc.fillColor(style.color ?? '#000000');
    lines.forEach((line, i) => {
      const free = (options.width ?? line.width) - line.width;
      let at = x + (options.align === 'center' ? free / 2 : options.align === 'right' ? free : 0);
      // pdfkit places text by the top of its line box; centre the glyphs in the line height.
      const top = y + i * lineHeight + (lineHeight - style.size * 1.2) / 2;
      for (const run of line.runs) {
        this.doc.font(run.font).fontSize(style.size).text(run.text, at, top, { lineBreak: false });
        at += run.width;
      }
    });
  }
}
