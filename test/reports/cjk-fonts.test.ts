import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { CjkFontSet, parseFaceCss } from '../../src/reports/cjk-fonts.js';

const ROOT = path.resolve(import.meta.dirname, '../..');

test('a face rule names its file and code point ranges', () => {
  const css = `/* [4] */
@font-face {
  font-family: 'Noto Sans SC';
  src: url(abc.4.woff2) format('woff2');
  unicode-range: U+1f1e9-1f1f5, U+4e00, U+ff03-ff04;
}`;
  expect(parseFaceCss(css)).toEqual([
    {
      file: 'abc.4.woff2',
      ranges: [
        [0x1f1e9, 0x1f1f5],
        [0x4e00, 0x4e00],
        [0xff03, 0xff04],
      ],
    },
  ]);
});

test('every character of the plan’s diagrams and forms is drawn in a font that holds it', async () => {
  const texts = [
    ...readdirSync(path.join(ROOT, 'processes'))
      .filter((file) => file.endsWith('.bpmn'))
      .map((file) => readFileSync(path.join(ROOT, 'processes', file), 'utf8')),
    ...readdirSync(path.join(ROOT, 'forms'))
      .filter((file) => file.endsWith('.json'))
      .map((file) => readFileSync(path.join(ROOT, 'forms', file), 'utf8')),
  ].map((text) => text.replace(/\s+/g, ' '));
  const fonts = await CjkFontSet.for(texts);
  for (const text of texts)
    for (const weight of ['regular', 'bold'] as const) {
      const drawn = fonts
        .runs(text, weight)
        .map((run) => run.text)
        .join('');
      expect(drawn).toBe(text);
    }
  expect([...fonts.missing]).toEqual([]);
});

test('a character no loaded font holds is drawn as ? and reported missing', async () => {
  const fonts = await CjkFontSet.for(['案件']);
  expect(
    fonts
      .runs('案件鬱', 'regular')
      .map((run) => run.text)
      .join(''),
  ).toBe('案件?');
  expect([...fonts.missing]).toEqual(['鬱']);
});
