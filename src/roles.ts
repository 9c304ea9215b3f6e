/**
 * The roles of preplan: the system's own and the plan's (see ../shared/plan/PLAN.md,
 * 组织机构). User tasks go to these as candidate groups; deploy refuses any other name.
 */
export const roles = {
  admin: '系统管理员',
  designer: '流程设计',
  auditor: '审计',
  leader: '领导小组组长',
  deputy: '副组长',
  member: '成员单位',
  office: '领导小组办公室',
  monitor: '舆情监控员',
  writer: '网评员',
  'county-liaison': '县级联络',
} as const;

export type Role = keyof typeof roles;

export const roleNames = Object.keys(roles) as Role[];
