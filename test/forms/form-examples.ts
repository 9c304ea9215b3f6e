/**
 * One complete, valid example per form (and a few branch variants), telling one incident from
 * discovery to review: on 14 March 2026 a post says demolition compensation in the 幸福路片区
 * of 东城街道 is being held back. Tests that drive the processes reuse these as task data.
 * All addresses are under example.* hosts.
 */
export type FormExample = Record<string, unknown>;

export const formExamples = {
  'incident-report': {
    title: '网民发帖称幸福路片区拆迁补偿款迟迟未发放',
    summary:
      '微博用户“幸福路老住户”发帖称，幸福路片区 2025 年签约拆迁的 37 户至今未收到第二期补偿款，配图为补偿协议首页（已打码）。' +
      '帖文发布约 40 分钟，转发 312 次、评论 268 条，评论区多人称“同样没拿到”，有网民询问街道何时答复。暂无媒体转载。',
    category: 'land-demolition',
    platform: 'weibo',
    sourceUrls: ['https://weibo.example.com/7712000001/Pa1b2C3d4', 'https://tieba.example.com/p/9000000001'],
    firstSeenAt: '2026-03-14T09:10:00+08:00',
    occurredAt: '2026-03-14T08:30:00+08:00',
    evidence: [
      {
        description: '原帖及前 50 条评论截图，09:15 存入办公室共享盘“舆情存证/2026-03-14”',
        url: 'https://archive.example.com/2026-03-14/weibo-Pa1b2C3d4',
      },
      { description: '贴吧转帖截图，09:20 留存' },
    ],
    grade: 2,
    gradeReason:
      '涉及 37 户群众切身利益，评论区已有同类诉求聚集，传播速度较快；拿不准是否会引起媒体关注，就高定为重大或较大。',
    drill: false,
  },

  'monitoring-update': {
    trend: 'stable',
    observations:
      '11:00 复查：原帖转发 356 次、评论 301 条，较 10:00 增长放缓；未发现新平台转载，暂无媒体介入。评论主要询问发放时间。',
  },

  'instruction-request': {
    askedWhom: '县委县政府主要领导',
    instructionChannel: 'phone',
    instructions:
      '县政府分管副县长电话指示：请街道会同县住建局当天核实第二期补偿款拨付进度，12 小时内以街道名义如实回复，不回避问题；回复稿报县委宣传部审核。',
    instructionReceivedAt: '2026-03-14T10:05:00+08:00',
  },

  'county-guidance': {
    guidanceFrom: 'propaganda-dept',
    guidance:
      '县委宣传部意见：回复以事实为主，说明补偿款拨付进度和具体发放时间，公布咨询电话；不与网民争论。',
    countyMeasures: ['当天与县住建局核对 37 户补偿款拨付明细', '回复中公布街道征收办咨询电话和接待时间'],
    guidanceReceivedAt: '2026-03-14T10:40:00+08:00',
    recordedOnBehalf: true,
    onBehalfNote: '县委宣传部网评科王科长 10:40 电话告知，办公室李明记录，通话记录存办公室值班本第 12 页。',
  },

  consultation: {
    meetingAt: '2026-03-14T11:30:00+08:00',
    participants: [
      '张华（街道党工委书记、领导小组组长）',
      '刘强（党工委委员、副组长）',
      '李明（党政办公室主任）',
      '陈静（文化中心主任）',
    ],
    minutes:
      '会议听取了监控员关于舆情发展情况的汇报和县委宣传部的指导意见。经与县住建局核实，第二期补偿款已于 3 月 10 日拨付至街道专户，' +
      '因 5 户银行账户信息有误导致整体发放暂停。会议决定：分户核对账户，3 月 16 日前完成发放；下午发布情况说明。',
    measures: [
      {
        measure: '逐户核对 37 户银行账户信息，更正有误的 5 户',
        owner: '街道征收办',
        dueAt: '2026-03-15T18:00:00+08:00',
      },
      {
        measure: '3 月 16 日前将第二期补偿款全部发放到户',
        owner: '街道财政所',
        dueAt: '2026-03-16T17:00:00+08:00',
      },
      { measure: '起草情况说明通稿', owner: '党政办公室' },
    ],
    rumourDeclared: false,
  },

  'release-draft': {
    releaseTitle: '关于幸福路片区拆迁第二期补偿款发放情况的说明',
    releaseText:
      '近日，有网民反映幸福路片区拆迁第二期补偿款未发放。经核实，该批补偿款已于 2026 年 3 月 10 日拨付至街道专户，' +
      '因部分住户银行账户信息有误，发放工作暂停。街道已逐户核对账户信息，将于 3 月 16 日前全部发放到户。' +
      '对由此给群众带来的不便，我们深表歉意。咨询电话：0000-1234567（工作日 8:30—17:30）。东城街道办事处 2026 年 3 月 14 日',
    basis: '县住建局拨付凭证（2026-03-10）；街道征收办账户核对表；3 月 14 日会商纪要。',
    revisionNote: '按审签意见补充了咨询电话的接待时间，删去了“个别网民夸大其词”的表述。',
  },

  'release-signoff': {
    signOffDecision: 'approved',
    signOffReasons: '事实清楚，口径与县住建局一致，同意发布。',
    recordedOnBehalf: true,
    onBehalfNote: '县委宣传部王科长 14:20 微信回复“同意发布”，截图存办公室共享盘“舆情存证/2026-03-14”。',
  },

  'publication-record': {
    publicationChannel: 'weibo',
    publicationUrl: 'https://weibo.example.com/dongchengjiedao/Qx7y8Z9a0',
    publicationTitle: '关于幸福路片区拆迁第二期补偿款发放情况的说明',
    publicationPublishedAt: '2026-03-14T15:00:00+08:00',
    publicationApprover: '县委宣传部（王科长）',
  },

  'commentary-record': {
    articles: [
      {
        title: '补偿款去哪了？一文说清幸福路片区第二期补偿款发放进度',
        channel: 'wechat',
        url: 'https://mp.example.com/s/dongcheng-20260314-1',
        publishedAt: '2026-03-14T17:30:00+08:00',
        approver: '刘强（副组长）',
      },
    ],
    note: '以“东城街道办事处”公众号发布，内容依据已审签的通稿。',
  },

  'follow-up-update': {
    reactions:
      '回复发布后 2 小时内评论 96 条，多数表示理解；有 3 位网民询问账户有误的住户如何更正信息，1 位质疑补偿标准。',
    answeredQuestions: [
      {
        question: '账户信息有误的住户怎么更正？',
        answer:
          '请携带身份证和本人银行卡到街道征收办（东城街道办事处一楼）办理，或拨打 0000-1234567 预约上门。',
      },
    ],
    trackingStatus: 'continuing',
  },

  'escalated-question': {
    consultationNotes:
      '领导小组会商认为，补偿标准按 2025 年县政府公布的征收补偿方案执行，可公布方案链接并说明复核渠道。',
    answerTitle: '关于幸福路片区拆迁补偿标准的答复',
    answerText:
      '幸福路片区拆迁补偿标准依据 2025 年县政府公布的征收补偿方案执行。对补偿金额有异议的住户，可在 3 月 31 日前向街道征收办申请复核。东城街道办事处',
  },

  'subsidence-confirmation': {
    confirmed: true,
    note: '3 月 17 日起原帖 24 小时内无新增评论，补偿款已于 3 月 16 日全部发放到户，未发现新的转载。',
  },

  'closing-review': {
    reviewSummary:
      '3 月 14 日 09:10 发现舆情，09:30 报告领导小组并按重大或较大上报县政府、县委宣传部，11:30 会商，15:00 发布回复，' +
      '距事发 6.5 小时，在 12 小时时限内。补偿款于 3 月 16 日全部发放，3 月 18 日确认平息。',
    lessons: ['补偿款拨付后应主动公示发放进度，避免信息空白', '账户信息应在签约时当场核验'],
    underlyingProblem: '拆迁补偿款发放环节账户信息核验不严、发放进度不公开，群众无从了解。',
    followUpOwner: '街道征收办',
    followUpDueAt: '2026-04-30',
    rating: 'adequate',
  },

  'monitoring-sweep': {
    keywords: ['东城街道', '幸福路 拆迁', '东城街道 补偿款'],
    engines: ['baidu', 'sogou', 'weibo'],
    result: 'findings',
    findings: [
      {
        title: '网民发帖称幸福路片区拆迁补偿款迟迟未发放',
        summary: '微博用户称幸福路片区 37 户未收到第二期补偿款，评论区有同类诉求。',
        category: 'land-demolition',
        platform: 'weibo',
        sourceUrls: ['https://weibo.example.com/7712000001/Pa1b2C3d4'],
        firstSeenAt: '2026-03-14T09:10:00+08:00',
        occurredAt: '2026-03-14T08:30:00+08:00',
        grade: 2,
        gradeReason: '涉及群众切身利益，拿不准时就高定级。',
      },
    ],
  },
} satisfies Record<string, FormExample>;

export type FormExampleKey = keyof typeof formExamples;

/** Valid data for the other branches the processes take (re-grading, rejection, escalation, …). */
export const formVariants = {
  /** The incident worsens: re-graded upward mid-flight. */
  monitoringWorsened: {
    key: 'monitoring-update',
    data: {
      trend: 'worsened',
      observations: '13:00 复查：本地论坛和抖音出现转载，一家市级媒体记者私信街道求证，转发量 2 小时内翻倍。',
      newGrade: 1,
      regradeReason: '媒体已介入、跨平台扩散，按就高不就低的原则升为特别重大。',
    },
  },
  /** The release is sent back with reasons. */
  signOffRejected: {
    key: 'release-signoff',
    data: {
      signOffDecision: 'rejected',
      signOffReasons: '请补充咨询电话的接待时间；删去“个别网民夸大其词”的表述，不与网民争论。',
    },
  },
  /** A question the monitor cannot answer from the release goes to the leading group. */
  followUpEscalate: {
    key: 'follow-up-update',
    data: {
      reactions: '有网民质疑补偿标准低于相邻片区，跟帖 20 余条。',
      trackingStatus: 'escalate',
      escalatedQuestion: '幸福路片区补偿标准为何低于相邻的建设路片区？',
    },
  },
  /** The incident has subsided according to the monitor. */
  followUpSubsided: {
    key: 'follow-up-update',
    data: { reactions: '近 24 小时无新增评论和转载。', answeredQuestions: [], trackingStatus: 'subsided' },
  },
  /** Not yet subsided: tracking goes on. */
  subsidenceNotConfirmed: {
    key: 'subsidence-confirmation',
    data: { confirmed: false, note: '补偿款尚有 2 户未到账，原帖仍有新增评论，继续跟踪。' },
  },
  /** A sweep that found nothing ends in an explicit zero report. */
  sweepZeroReport: {
    key: 'monitoring-sweep',
    data: { keywords: ['东城街道'], engines: ['baidu', 'weibo', 'wechat'], result: 'zero-report' },
  },
  /** A grade-4 incident, in the drill mode. */
  incidentMinorDrill: {
    key: 'incident-report',
    data: {
      title: '演练：网民反映社区健身器材损坏',
      summary: '演练用情景：本地论坛帖文称东城街道和平社区广场两台健身器材损坏多日无人维修。',
      category: 'public-safety',
      platform: 'forum',
      sourceUrls: ['https://bbs.example.com/thread-100001-1-1.html'],
      firstSeenAt: '2026-05-20T10:00:00+08:00',
      occurredAt: '2026-05-20T09:15:00+08:00',
      grade: 4,
      drill: true,
    },
  },
  /** Calling a post a rumour: the facts are recorded. */
  consultationRumour: {
    key: 'consultation',
    data: {
      meetingAt: '2026-03-15T09:00:00+08:00',
      participants: ['张华（领导小组组长）', '李明（党政办公室主任）'],
      minutes: '针对“补偿款被挪用”的说法会商，经县财政局和银行流水核实，款项全额在专户，未被挪用。',
      measures: [{ measure: '在通稿中公布专户余额核实情况', owner: '党政办公室' }],
      rumourDeclared: true,
      rumourFacts:
        '县财政局 3 月 15 日出具的专户余额证明和银行流水显示第二期补偿款全额在专户，无支出记录；核实人：李明。',
    },
  },
} satisfies Record<string, { key: FormExampleKey; data: FormExample }>;
