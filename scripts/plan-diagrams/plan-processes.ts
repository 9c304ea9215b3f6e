import { processDocument, type Container } from './bpmn-builder.js';

/**
 * The street office's online public-opinion plan (../shared/plan/PLAN.md) as BPMN: the intake,
 * one process per grade following the plan's seven steps with that grade's chain of command,
 * and the daily monitoring rota. Names are the plan's own words (zh-CN); ids are English.
 */

type Grade = 1 | 2 | 3 | 4;

const LABEL: Record<Grade, string> = { 1: '特别重大', 2: '重大或较大', 3: '一般', 4: '影响较小' };

/** Who consults on measures and answers escalated questions (会商). */
const CONSULT: Record<Grade, { groups: string; name: string }> = {
  1: { groups: 'leader', name: '领导小组会商措施（组长主持，结合县级意见）' },
  2: { groups: 'deputy', name: '领导小组会商措施（分管副组长主持，结合县级意见）' },
  3: { groups: 'leader,deputy', name: '领导小组会商措施' },
  4: { groups: 'office', name: '办公室会商处置措施' },
};

/** Who approves the release (通稿): the county for grades 1–2, the leading group for 3–4. */
const SIGN_OFF: Record<Grade, { groups: string; name: string }> = {
  1: { groups: 'county-liaison,office', name: '县委县政府及宣传部审签通稿' },
  2: { groups: 'county-liaison,office', name: '县政府及县委宣传部审签通稿' },
  3: { groups: 'leader,deputy', name: '领导小组审签通稿' },
  4: { groups: 'leader,deputy', name: '领导小组审签通稿' },
};

const REPLY_DUE = '${replyDueAt}';

/** A publish step: through the channel when there is one, else the office publishes by hand and records it. */
function publishStep(
  p: Container,
  prefix: 'Reply' | 'Answer',
  names: { publish: string; record: string; merge: string },
  approver: string,
): { first: string; last: string } {
  const kind = prefix === 'Reply' ? 'reply' : 'answer';
  const publish = p.service(`Publish${prefix}`, names.publish, 'publish', { kind, approver });
  const viaChannel = p.exclusive(`${prefix}ViaChannel`, '已通过发布渠道发布？');
  const record = p.userTask(`Record${prefix}`, names.record, {
    form: 'publication-record',
    groups: 'office',
    due: prefix === 'Reply' ? REPLY_DUE : undefined,
    doc: '未配置发布渠道（或演练）时，由办公室以街道办事处官方名义手工发布，并登记渠道、链接、标题、时间和审批人。',
  });
  const recordManual = p.service(
    `RecordManual${prefix}`,
    `登记${prefix === 'Reply' ? '正面回复' : '答复'}`,
    'case-record',
    {
      event: 'publication',
      kind,
      channel: '${publicationChannel}',
      url: '${publicationUrl}',
      title: '${publicationTitle}',
      publishedAt: '${publicationPublishedAt}',
      approver: '${publicationApprover}',
      author: `\${completedBy.Record${prefix}}`,
    },
  );
  const merge = p.exclusive(`${prefix}Published`, names.merge);
  p.flow(publish, viaChannel);
  p.flow(viaChannel, merge, { name: '已发布', condition: '${published == true}' });
  p.flow(viaChannel, record, { name: '手工发布', isDefault: true });
  p.chain(record, recordManual, merge);
  return { first: publish, last: merge };
}

/** A reminder or breach on the reply deadline: only while no public reply has gone out. */
function deadlineWatch(
  p: Container,
  id: string,
  timer: { name: string; value: string },
  action: (p: Container) => { first: string; last: string },
  doneName: string,
): void {
  const boundary = p.boundaryTimer(
    id,
    timer.name,
    'Respond',
    { type: 'timeDate', value: timer.value },
    false,
  );
  const pending = p.exclusive(`${id}Pending`, '尚未正面回复？');
  const skipped = p.end(`${id}Skipped`, '已回复，无需处理');
  const steps = action(p);
  const done = p.end(`${id}Done`, doneName);
  p.flow(boundary, pending);
  p.flow(pending, steps.first, { name: '未回复', condition: '${repliedAt == null}' });
  p.flow(pending, skipped, { name: '已回复', isDefault: true });
  p.flow(steps.last, done);
}

export function gradeProcess(grade: Grade): string {
  const consult = CONSULT[grade];
  const signOff = SIGN_OFF[grade];
  return processDocument(
    `opinion-grade-${grade}`,
    `${LABEL[grade]}网络舆情处置（${grade}级响应）`,
    `网络舆情应急预案：${LABEL[grade]}（${grade}级）舆情的应急程序。持续监测贯穿始终，恶化时升级；` +
      '快报事实后会商措施、形成通稿、审签，事发12小时内正面回复，网评引导与跟踪引导直至平息，最后总结评估。',
    (p) => {
      const start = p.start('GradeStarted', `启动${grade}级响应`);
      const fork = p.parallel('Fork', '处置与监测同时开展');
      p.chain(start, fork);

      // Step 2, monitoring, runs until the case closes; a worsening re-grades upward.
      const monitorMerge = p.exclusive('MonitorMerge', '持续监测');
      const monitor = p.userTask('Monitor', '持续监测舆情（研判是否恶化）', {
        form: 'monitoring-update',
        groups: 'monitor',
        doc: '监测舆情走势；舆情恶化或扩散时，按“就高不就低”研判新的等级，立即报告领导小组。',
      });
      p.flow(fork, monitorMerge);
      p.flow(monitorMerge, monitor);
      if (grade === 1) {
        p.flow(monitor, monitorMerge);
      } else {
        const worsened = p.exclusive('Worsened', '是否恶化需升级？');
        const regrade = p.service('RecordRegrade', '登记升级并转入更高等级响应', 'case-record', {
          event: 'regraded',
          by: '${completedBy.Monitor}',
        });
        const regraded = p.end('Regraded', '转入更高等级响应', { terminate: true });
        p.flow(monitor, worsened);
        p.flow(worsened, regrade, {
          name: '恶化，升级',
          condition: "${trend == 'worsened' && newGrade < grade}",
        });
        p.flow(worsened, monitorMerge, { name: '继续监测', isDefault: true });
        p.flow(regrade, regraded);
      }

      // Steps 3–6 up to the public reply, under the 12-hour deadline.
      const respond = p.subProcess('Respond', '应急处置（事发12小时内正面回复）', (r) => {
        const begin = r.start('RespondStarted', '开始处置');
        let last = begin;
        if (grade <= 2) {
          const report = r.service(
            'ReportToCounty',
            grade === 1 ? '报告县委宣传部（快报事实）' : '报告县政府及县委宣传部（快报事实）',
            'report-to-county',
            { purpose: 'county-guidance', linkActivity: 'CountyGuidance' },
          );
          r.flow(last, report);
          last = report;
          if (grade === 1) {
            const ask = r.userTask('AskCountyLeaders', '组长请示县委县政府主要领导', {
              form: 'instruction-request',
              groups: 'leader',
              due: REPLY_DUE,
            });
            r.flow(last, ask);
            last = ask;
          }
          const guidance = r.userTask('CountyGuidance', '登记县级指导意见', {
            form: 'county-guidance',
            groups: 'county-liaison,office',
            due: REPLY_DUE,
            doc: '县级通过签名链接直接填写；也可由办公室代为登记（注明代登记）。',
          });
          r.flow(last, guidance);
          last = guidance;
        } else if (grade === 4) {
          const ask = r.userTask('AskLeadingGroup', '办公室请示领导小组', {
            form: 'instruction-request',
            groups: 'office',
            due: REPLY_DUE,
          });
          r.flow(last, ask);
          last = ask;
        }
        const consultTask = r.userTask('Consult', consult.name, {
          form: 'consultation',
          groups: consult.groups,
          due: REPLY_DUE,
          doc: '召开应对会议，研究处置措施；认定谣言须有事实依据。',
        });
        const draftMerge = r.exclusive('DraftMerge', '形成通稿');
        const draft = r.userTask('DraftRelease', '办公室起草通稿', {
          form: 'release-draft',
          groups: 'office',
          due: REPLY_DUE,
          doc: '依据会商措施起草通稿；被退回时按审签意见修改。',
        });
        r.chain(last, consultTask, draftMerge, draft);
        last = draft;
        if (grade <= 2) {
          const send = r.service('SendForSignOff', '报送县级审签', 'report-to-county', {
            purpose: 'release-signoff',
            linkActivity: 'SignOff',
          });
          r.flow(last, send);
          last = send;
        }
        const sign = r.userTask('SignOff', signOff.name, {
          form: 'release-signoff',
          groups: signOff.groups,
          due: REPLY_DUE,
        });
        const approved = r.exclusive('Approved', '审签结果？');
        r.chain(last, sign, approved);
        r.flow(approved, draftMerge, { name: '退回修改', isDefault: true });
        const reply = publishStep(
          r,
          'Reply',
          {
            publish: '正面回复（官方渠道发布通稿）',
            record: '办公室发布正面回复并登记',
            merge: '已正面回复',
          },
          '${completedBy.SignOff}',
        );
        r.flow(approved, reply.first, { name: '同意发布', condition: "${signOffDecision == 'approved'}" });
        const replied = r.service('RecordReplied', '登记回复时间', 'case-record', { event: 'replied' });
        const end = r.end('RespondDone', '已正面回复');
        r.chain(reply.last, replied, end);
      });
      p.flow(fork, respond);

      for (const [n, label, taskName] of [
        [1, '一', '提醒尽快回复'],
        [2, '二', '再次提醒尽快回复'],
      ] as const)
        deadlineWatch(
          p,
          `ReplyReminder${n}`,
          { name: `回复时限提醒（${label}）`, value: `\${replyReminder${n}At}` },
          (q) => {
            const s = q.service(`RemindReply${n}`, taskName, 'notify', {
              template: 'reply-reminder',
              to: 'office,${leadRoles}',
              hoursLeft: `\${replyReminder${n}HoursLeft}`,
            });
            return { first: s, last: s };
          },
          '已提醒',
        );
      deadlineWatch(
        p,
        'ReplyDeadline',
        { name: '超过12小时回复时限', value: REPLY_DUE },
        (q) => {
          const record = q.service('RecordBreach', '登记超时未回复', 'case-record', {
            event: 'reply-breached',
          });
          const notify = q.service('NotifyBreach', '通报组长', 'notify', {
            template: 'reply-breach',
            to: 'leader,${leadRoles}',
          });
          q.flow(record, notify);
          return { first: record, last: notify };
        },
        '超时已登记并通报',
      );

      // Step 6 (commentary) and step 7 (tracking and guidance) until the incident subsides.
      const after = p.parallel('AfterReply', '网评与跟踪引导');
      p.flow(respond, after);
      const write = p.userTask('WriteCommentary', '网评员撰写网评文章', {
        form: 'commentary-record',
        groups: 'writer',
        doc: '依据审签通过的通稿，以街道办事处官方名义和官方渠道发布评论、解读文章。',
      });
      const recordCommentary = p.service('RecordCommentary', '登记网评文章', 'case-record', {
        event: 'commentary',
        author: '${completedBy.WriteCommentary}',
      });
      const guided = p.parallel('Subsided', '网评完成且舆情平息');
      p.chain(after, write, recordCommentary, guided);

      // The tracking loop lives in its own sub-process: bpmn-elements counts a loop's skipped
      // branches as arrived at a parallel join, which would close the case too early.
      const tracking = p.subProcess('Tracking', '跟踪引导（直至平息）', (t) => {
        const begin = t.start('TrackingStarted', '开始跟踪');
        const trackMerge = t.exclusive('TrackMerge', '跟踪引导');
        const track = t.userTask('Track', '跟踪引导（回应网民关切）', {
          form: 'follow-up-update',
          groups: 'monitor',
          doc: '跟踪回复后的网民反应；能依据通稿答复的及时答复，不能答复的报告领导小组会商。',
        });
        const status = t.exclusive('TrackingStatus', '跟踪情况？');
        t.chain(begin, trackMerge, track, status);
        t.flow(status, trackMerge, { name: '继续跟踪', isDefault: true });
        const question = t.userTask(
          'ConsultQuestion',
          grade === 4 ? '办公室会商答复疑难问题' : '领导小组会商答复疑难问题',
          { form: 'escalated-question', groups: consult.groups },
        );
        t.flow(status, question, { name: '有无法答复的问题', condition: "${trackingStatus == 'escalate'}" });
        const answer = publishStep(
          t,
          'Answer',
          { publish: '发布答复', record: '办公室发布答复并登记', merge: '已发布答复' },
          '${completedBy.ConsultQuestion}',
        );
        t.flow(question, answer.first);
        t.flow(answer.last, trackMerge);
        const confirm = t.userTask('ConfirmSubsided', '办公室确认舆情平息', {
          form: 'subsidence-confirmation',
          groups: 'office',
        });
        t.flow(status, confirm, { name: '监控员报告已平息', condition: "${trackingStatus == 'subsided'}" });
        const confirmed = t.exclusive('Confirmed', '确认平息？');
        const done = t.end('TrackingDone', '舆情平息');
        t.flow(confirm, confirmed);
        t.flow(confirmed, done, { name: '确认平息', condition: '${confirmed == true}' });
        t.flow(confirmed, trackMerge, { name: '未平息，继续跟踪', isDefault: true });
      });
      p.chain(after, tracking, guided);

      const review = p.userTask('Review', '总结评估', {
        form: 'closing-review',
        groups: 'office',
        doc: '总结处置经过和经验教训，明确舆情背后实际问题的整改责任人。',
      });
      const close = p.service('RecordClosed', '结案登记', 'case-record', { event: 'closed' });
      const closed = p.end('Closed', '处置完毕', { terminate: true });
      p.chain(guided, review, close, closed);
    },
  );
}

export function intakeProcess(): string {
  return processDocument(
    'opinion-intake',
    '网络舆情接报',
    '监控员或监测系统报告舆情后立案：快报事实，按研判等级启动相应响应；处置中舆情恶化的，在同一案件中转入更高等级响应，已办事项保留。',
    (p) => {
      const start = p.start('IncidentReported', '接报舆情');
      const merge = p.exclusive('StartResponse', '启动响应');
      const fast = p.service(
        'FastReport',
        '快报事实（报告领导小组）',
        'notify',
        { template: 'fast-report', to: '${informedRoles}' },
        '按等级时限报告（默认：特别重大1小时、重大或较大2小时、一般4小时内；影响较小纳入月度汇总），' +
          '时限和报告对象见 config/plan.json；报告须真实客观。',
      );
      const reported = p.service('RecordReported', '登记报告时间', 'case-record', { event: 'reported' });
      const route = p.exclusive('RouteByGrade', '按研判等级响应');
      p.chain(start, merge, fast, reported, route);
      const ended = p.exclusive('ResponseEnded', '响应结束');
      for (const grade of [1, 2, 3, 4] as Grade[]) {
        const call = p.callActivity(
          `Grade${grade}Response`,
          `${LABEL[grade]}舆情处置（${grade}级响应）`,
          `opinion-grade-${grade}`,
        );
        p.flow(route, call, { name: `${grade}级 ${LABEL[grade]}`, condition: `\${grade == ${grade}}` });
        p.flow(call, ended);
      }
      const regraded = p.exclusive('WasRegraded', '是否升级？');
      const closed = p.end('CaseClosed', '结案');
      p.flow(ended, regraded);
      p.flow(regraded, merge, { name: '舆情恶化，升级响应', condition: "${outcome == 'regraded'}" });
      p.flow(regraded, closed, { name: '处置完毕', isDefault: true });
    },
  );
}

export function dailyMonitoringProcess(): string {
  return processDocument(
    'daily-monitoring',
    '日常舆情监测',
    '舆情监测是日常性、持续性工作：按排班定时巡查主流搜索引擎和平台，每次以“发现舆情”（逐条立案）或“零报告”结束；未按时巡查的提醒并记录。',
    (p) => {
      const workdays = p.start('WorkdaySweep', '工作日定时巡查', {
        type: 'timeCycle',
        value: '${plan.sweeps.workdays}',
      });
      const weekends = p.start('RestDaySweep', '休息日定时巡查', {
        type: 'timeCycle',
        value: '${plan.sweeps.weekends}',
      });
      const merge = p.exclusive('SweepDue', '开始巡查');
      p.flow(workdays, merge);
      p.flow(weekends, merge);
      const sweep = p.userTask('Sweep', '舆情监测巡查', {
        form: 'monitoring-sweep',
        groups: 'monitor',
        doc: '以街道名称及业务关键词检索主流搜索引擎和平台，人工核实，记录来源并研判等级；未发现的作零报告。',
      });
      p.flow(merge, sweep);
      const reminder = p.boundaryTimer(
        'SweepReminder',
        '1小时未完成',
        'Sweep',
        { type: 'timeDuration', value: 'PT1H' },
        false,
      );
      const remind = p.service('RemindSweep', '提醒监控员巡查', 'notify', {
        template: 'sweep-reminder',
        to: 'monitor',
      });
      const reminded = p.end('SweepReminded', '已提醒');
      p.chain(reminder, remind, reminded);
      const missed = p.boundaryTimer(
        'SweepMissed',
        '4小时未完成',
        'Sweep',
        { type: 'timeDuration', value: 'PT4H' },
        true,
      );
      const report = p.service('ReportMissedSweep', '通报办公室：未按时巡查', 'notify', {
        template: 'sweep-missed',
        to: 'office',
      });
      const missedEnd = p.end('SweepMissedEnd', '巡查缺失（已记录）');
      p.chain(missed, report, missedEnd);
      const found = p.exclusive('Found', '发现舆情？');
      p.flow(sweep, found);
      const open = p.service('OpenCases', '逐条立案并启动接报', 'open-cases', { by: '${completedBy.Sweep}' });
      const opened = p.end('CasesOpened', '已立案');
      const zero = p.end('ZeroReport', '零报告');
      p.flow(found, open, { name: '发现舆情', condition: "${result == 'findings'}" });
      p.flow(found, zero, { name: '未发现', isDefault: true });
      p.flow(open, opened);
    },
  );
}
