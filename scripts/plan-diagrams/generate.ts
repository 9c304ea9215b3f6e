import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { layoutProcess } from 'bpmn-auto-layout';
import { dailyMonitoringProcess, gradeProcess, intakeProcess } from './plan-processes.js';
import { spreadBoundaryEvents } from './spread-boundary-events.js';

/**
 * Writes the plan's diagrams into processes/ with a layout (bpmn-auto-layout), so they open
 * in Camunda Modeler and bpmn-js. `npm run plan:diagrams`; `--check` fails when the committed
 * files differ from what the generator makes.
 */
export async function planDiagrams(): Promise<Record<string, string>> {
  const semantic: Record<string, string> = {
    'opinion-intake.bpmn': intakeProcess(),
    'opinion-grade-1.bpmn': gradeProcess(1),
    'opinion-grade-2.bpmn': gradeProcess(2),
    'opinion-grade-3.bpmn': gradeProcess(3),
    'opinion-grade-4.bpmn': gradeProcess(4),
    'daily-monitoring.bpmn': dailyMonitoringProcess(),
  };
  const out: Record<string, string> = {};
  for (const [file, xml] of Object.entries(semantic))
    out[file] = spreadBoundaryEvents(await layoutProcess(xml));
  return out;
}

if (process.argv[1] && path.resolve(process.argv[1]) === path.resolve(import.meta.filename)) {
  const dir = path.join(import.meta.dirname, '../../processes');
  for (const [file, xml] of Object.entries(await planDiagrams())) writeFileSync(path.join(dir, file), xml);
  console.log(`wrote ${dir}`);
}
