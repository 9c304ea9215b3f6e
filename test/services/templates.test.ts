import { renderTemplate, templateNames, formatTime } from '../../src/services/templates.js';
import { categoryLabels, gradeLabels } from '../../src/services/plan-labels.js';
import { caseVariables } from './service-fixtures.js';

const context = {
  variables: caseVariables({
    newGrade: 1,
    regradeReason: '央级媒体转载',
    releaseTitle: '情况通报',
    releaseText: '经核实……',
    measures: [{ measure: '核实情况', owner: '征收办' }],
  }),
  input: { hoursLeft: 2, dueAt: '2026-03-01T10:00:00.000Z' },
  now: new Date('2026-03-01T02:00:00.000Z'),
  link: { url: 'http://localhost:3000/county/1?sig=s', expiresAt: new Date('2026-03-03T02:00:00.000Z') },
};

test('times are shown in Beijing time', () => {
  expect(formatTime('2026-03-01T16:30:00.000Z')).toBe('2026/03/02 00:30');
  expect(formatTime(undefined)).toBe('未知');
});

test('the plan labels cover every grade and category', () => {
  expect(Object.values(gradeLabels)).toEqual(['特别重大', '重大或较大', '一般', '影响较小']);
  expect(Object.keys(categoryLabels)).toHaveLength(11);
});

test.each(templateNames)('a drill "%s" message starts with 【演练】 in subject and every body', (name) => {
  const message = renderTemplate(name, context, true);
  expect(message.subject).toMatch(/^【演练】/);
  expect(message.text).toMatch(/^【演练】/);
  expect(message.markdown).toMatch(/^【演练】/);
  expect(renderTemplate(name, context, false).subject).not.toContain('演练');
});

test('a regrade names both grades and the reason', () => {
  const message = renderTemplate('regraded', context, false);
  expect(message.subject).toBe(
    '【舆情升级】某社区征地拆迁补偿引发网民关注：2级（重大或较大） → 1级（特别重大）',
  );
  expect(message.text).toContain('调整理由：央级媒体转载');
});

test('reminders count the hours left to the 12-hour reply limit', () => {
  expect(renderTemplate('reply-reminder', context, false).subject).toContain('距12小时回复时限还剩 2 小时');
  expect(renderTemplate('sweep-missed', context, false).text).toContain('日常监测未按时完成');
  expect(renderTemplate('sweep-missed', context, false).text).toContain('应完成时间：2026/03/01 18:00');
});
