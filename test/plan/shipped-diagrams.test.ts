import { readFileSync } from 'node:fs';
import path from 'node:path';
import { planDiagrams } from '../../scripts/plan-diagrams/generate.js';

const PROCESSES = path.join(import.meta.dirname, '../../processes');

test('the diagrams in processes/ are what the plan generator makes (run `npm run plan:diagrams` after changing it)', async () => {
  for (const [file, xml] of Object.entries(await planDiagrams()))
    expect([file, readFileSync(path.join(PROCESSES, file), 'utf8')]).toEqual([file, xml]);
});

test('every shape of the shipped diagrams has a layout, and no two boundary events share a spot', async () => {
  for (const xml of Object.values(await planDiagrams())) {
    const elements = [
      ...xml.matchAll(
        /<bpmn:(?!definitions|process|documentation|incoming|outgoing|extensionElements|conditionExpression)(\w+) id="([^"]+)"/g,
      ),
    ]
      .filter((m) => !/Definition$|^sequenceFlow$|^timeDate$/.test(m[1]))
      .map((m) => m[2]);
    for (const id of elements) expect([id, xml.includes(`bpmnElement="${id}"`)]).toEqual([id, true]);
    const spots = [
      ...xml.matchAll(
        /<bpmndi:BPMNShape id="\w+_di" bpmnElement="(\w*(?:Reminder|Deadline|Missed)\w*)">\s*<dc:Bounds x="([\d.]+)" y="([\d.]+)"/g,
      ),
    ].map((m) => `${m[2]},${m[3]}`);
    expect(new Set(spots).size).toBe(spots.length);
  }
});
