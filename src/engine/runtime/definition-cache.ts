import { BpmnModdle } from 'bpmn-moddle';
import * as elements from 'bpmn-elements';
import serializer, { TypeResolver } from 'moddle-context-serializer';
import camunda from 'camunda-bpmn-moddle/resources/camunda.json' with { type: 'json' };
import type { DefinitionStore } from '../../store/definition-store.js';
import { PreplanError } from '../../errors.js';

export interface LoadedDefinition {
  id: string;
  key: string;
  version: number;
  /** moddle-context-serializer's context: what an Engine needs instead of the XML. */
  sourceContext: unknown;
}

const typeResolver = TypeResolver({ ...elements } as never);
const MAX_CACHED = 200;

/**
 * Parsed definitions by id. Each version is parsed once per process and shared by every
 * engine that runs it; instances never carry the diagram source.
 */
export class DefinitionCache {
  private readonly cache = new Map<string, Promise<LoadedDefinition>>();

  constructor(private readonly store: DefinitionStore) {}

  get(id: string): Promise<LoadedDefinition> {
    let loaded = this.cache.get(id);
    if (!loaded) {
      loaded = this.load(id);
      loaded.catch(() => this.cache.delete(id));
      if (this.cache.size >= MAX_CACHED) this.cache.delete(this.cache.keys().next().value!);
      this.cache.set(id, loaded);
    }
    return loaded;
  }

  async latest(key: string): Promise<LoadedDefinition> {
    const id = await this.store.latestId(key);
    if (!id) throw new PreplanError('not-found', `no process "${key}" is deployed`);
    return this.get(id);
  }

  private async load(id: string): Promise<LoadedDefinition> {
    const record = await this.store.byId(id);
    if (!record) throw new PreplanError('not-found', `definition ${id} does not exist`);
    const moddleContext = await new BpmnModdle({ camunda }).fromXML(record.source);
    const sourceContext = serializer(moddleContext as never, typeResolver);
    return { id, key: record.key, version: record.version, sourceContext };
  }
}
