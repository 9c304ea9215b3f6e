import type { ServiceDeps, ServiceImplementation } from './service-types.js';
import { renderTemplate } from './templates.js';
import { deliver, groupTargets } from './channels/index.js';
import { postJson } from './channels/webhook.js';

const DEFAULT_AUTHOR = '街道办事处';

/**
 * `publish`: puts the approved reply (`kind: 'reply'`, from releaseTitle/releaseText) or a
 * follow-up answer (`kind: 'answer'`, answerTitle/answerText) out through the office's
 * publication webhook, which answers `{ url }`, and keeps it on the case. Without a channel, or
 * in a drill (whose copy goes to the internal channels), nothing is published: the diagram
 * then gives the office a manual publication task.
 */
export function createPublish(deps: ServiceDeps): ServiceImplementation {
  return async (call) => {
    const { kind } = call.input;
    if (kind !== 'reply' && kind !== 'answer')
      throw new Error(`publish: input "kind" must be reply or answer, not "${String(kind)}"`);
    const v = call.variables;
    const title = kind === 'reply' ? v.releaseTitle : v.answerTitle;
    const text = kind === 'reply' ? v.releaseText : v.answerText;
    const names = kind === 'reply' ? 'releaseTitle/releaseText' : 'answerTitle/answerText';
    if (typeof title !== 'string' || !title || typeof text !== 'string' || !text)
      throw new Error(`publish ${kind}: variables ${names} are missing`);
    const { caseId } = v;
    if (typeof caseId !== 'string' || !caseId) throw new Error('publish: variable "caseId" is missing');
    const drill = v.drill === true;
    const publication = deps.channels.publication;
    if (drill) {
      const now = deps.clock.now();
      const copy = renderTemplate('publication-drill', { variables: v, input: call.input, now }, true);
      await deliver(deps, call, groupTargets(deps.channels.internal), copy, { kind });
      return { published: false };
    }
    if (!publication) return { published: false };
    const author = publication.author ?? DEFAULT_AUTHOR;
    const { idempotencyKey } = call;
    const answer = await postJson(
      publication.webhook.url,
      { caseId, kind, title, text, author, idempotencyKey },
      { idempotencyKey, secret: publication.webhook.secret },
    );
    const url = (answer as { url?: unknown }).url;
    if (typeof url !== 'string' || !url)
      throw new Error('publish: the publication channel answered without a url');
    await deps.cases.recordPublication(caseId, {
      id: idempotencyKey,
      kind,
      channel: 'webhook',
      url,
      title,
      text,
      author,
      // The diagram names the approver: `<camunda:inputParameter name="approver">${completedBy.SignOff}`.
      ...(typeof call.input.approver === 'string' ? { approver: call.input.approver } : {}),
      publishedAt: deps.clock.now(),
      via: 'channel',
      drill,
    });
    return { published: true, publicationUrl: url };
  };
}
