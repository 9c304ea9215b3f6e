/**
 * The plan's own words for its grades and categories (../shared/plan/PLAN.md, 分级 and 适用范围),
 * as the zh-CN UI and every message show them.
 */
export type Grade = 1 | 2 | 3 | 4;

export const gradeLabels: Record<Grade, string> = {
  1: '特别重大',
  2: '重大或较大',
  3: '一般',
  4: '影响较小',
};

export const categoryLabels = {
  'poverty-alleviation': '脱贫攻坚',
  ecology: '生态环境',
  'financial-debt': '金融债务',
  'land-demolition': '征地拆迁',
  'education-health': '教育医疗',
  'social-security': '社会保障',
  'public-safety': '公共安全',
  'social-stability': '社会稳定',
  veterans: '退役军人',
  'power-oversight': '权力监督',
  other: '其它',
} as const;

export type Category = keyof typeof categoryLabels;

/**
 * Who leads the response at each grade (分级响应): the leader at grade 1, the deputy in charge at
 * grade 2, the leading group at grade 3, the group office at grade 4.
 */
export const gradeLeadRoles: Record<Grade, string[]> = {
  1: ['leader'],
  2: ['deputy'],
  3: ['leader'],
  4: ['office'],
};

export function isGrade(value: unknown): value is Grade {
  return value === 1 || value === 2 || value === 3 || value === 4;
}

/** `2级（重大或较大）`, or the raw value when it is not a grade. */
export function gradeLabel(value: unknown): string {
  const grade = typeof value === 'string' ? Number(value) : value;
  return isGrade(grade) ? `${grade}级（${gradeLabels[grade]}）` : String(value ?? '未定级');
}

/** The category's zh label, or the raw value when it is not one of the plan's. */
export function categoryLabel(value: unknown): string {
  return typeof value === 'string' && value in categoryLabels
    ? categoryLabels[value as Category]
    : String(value ?? '未分类');
}
