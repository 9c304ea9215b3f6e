import { forms } from 'virtual:preplan-forms';
import type { I18n } from './i18n';

type Node = Record<string, unknown>;

/** `{ value: title }` of a choice field (`oneOf: [{ const, title }]`) of a bundled form. */
function choices(formKey: string, ...path: string[]): Record<string, string> {
  let node: unknown = forms[formKey]?.schema;
  for (const key of path) node = (node as Node | undefined)?.[key];
  const oneOf = (node as Node | undefined)?.oneOf;
  if (!Array.isArray(oneOf)) return {};
  return Object.fromEntries(oneOf.map((b: Node) => [String(b.const), String(b.title ?? b.const)]));
}

export const categoryTitles = choices('incident-report', 'properties', 'category');
export const platformTitles = choices('incident-report', 'properties', 'platform');
const channelTitles = {
  ...platformTitles,
  ...choices('publication-record', 'properties', 'publicationChannel'),
  webhook: '官方发布平台',
};
const messageChannels: Record<string, string> = {
  email: '电子邮件',
  wecom: '企业微信',
  dingtalk: '钉钉',
  webhook: 'Webhook',
};

export const GRADES = [1, 2, 3, 4] as const;

export function gradeName(i18n: I18n, grade: number): string {
  return GRADES.includes(grade as 1) ? i18n.t(`grade.${grade as 1 | 2 | 3 | 4}`) : String(grade);
}

export function gradeBadge(i18n: I18n, grade: number): string {
  return i18n.t('grade.badge', { n: grade, name: gradeName(i18n, grade) });
}

export const categoryName = (i18n: I18n, value: string) =>
  i18n.name(`category.${value}`, categoryTitles[value] ?? value);
export const platformName = (i18n: I18n, value: string) =>
  i18n.name(`platform.${value}`, platformTitles[value] ?? value);
export const channelName = (i18n: I18n, value: string) =>
  i18n.name(`platform.${value}`, channelTitles[value as keyof typeof channelTitles] ?? value);
export const messageChannelName = (i18n: I18n, value: string) =>
  i18n.name(`channel.${value}`, messageChannels[value] ?? value);
export const roleName = (i18n: I18n, role: string) => i18n.name(`role.${role}`, role);
export const rolesName = (i18n: I18n, roles: string[]) => i18n.join(roles.map((r) => roleName(i18n, r)));
export const processName = (i18n: I18n, key: string) => i18n.name(`process.${key}`, key);

/** A task's name: the diagram's zh-CN name, or its English name by activity id. */
export function taskName(i18n: I18n, task: { name?: string; activityId: string }): string {
  if (i18n.lang === 'en') return i18n.name(`activity.${task.activityId}`, task.name ?? task.activityId);
  return task.name ?? task.activityId;
}
