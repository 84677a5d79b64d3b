import { canonicalJson } from '@tidings/contract';
import {
  type Bound,
  describeVariants,
  type SchemaNode,
  schemaKey,
  type Variant,
  variantsOf,
} from './schema-variants.ts';

/**
 * Which way values cross a schema: `payload` is what the server sends (clients built on the old
 * contract read it), `request` is what a client sends (params and query; the new server reads it).
 */
export type Flow = 'payload' | 'request';

/** Whether a change can break a client built on the old contract. */
export type Severity = 'breaking' | 'safe';

/** What changed, from the old contract to the new one; the severity depends on the flow. */
export type ChangeKind =
  | 'stream-added'
  | 'stream-removed'
  | 'stream-renamed'
  | 'path-changed'
  | 'path-param-added'
  | 'path-param-removed'
  | 'path-param-renamed'
  | 'event-added'
  | 'event-removed'
  | 'event-renamed'
  | 'field-added'
  | 'field-removed'
  | 'field-renamed'
  | 'field-optional'
  | 'field-required'
  | 'type-changed'
  | 'type-widened'
  | 'type-narrowed'
  | 'value-added'
  | 'value-removed'
  | 'nullable-added'
  | 'nullable-removed'
  | 'variant-added'
  | 'variant-removed'
  | 'constraint-widened'
  | 'constraint-narrowed'
  | 'schema-changed';

/** One change inside a schema. */
export interface SchemaChange {
  readonly severity: Severity;
  readonly kind: ChangeKind;
  /** The field path (`lines[].price`, `byId[key]`); `''` for the schema itself. */
  readonly field: string;
  readonly message: string;
}

type ObjectVariant = Variant & { kind: 'object' };
type NumberVariant = Variant & { kind: 'number' };
type StringVariant = Variant & { kind: 'string' };
type ArrayVariant = Variant & { kind: 'array' };

const OLD = 'clients built on the old contract';
const UNCOMPARABLE = 'changed in a way tidings diff cannot compare; treated as breaking';

function join(field: string, name: string): string {
  if (field === '') return name.trimStart();
  return name.startsWith('[') || name.startsWith(' ') ? `${field}${name}` : `${field}.${name}`;
}

function refOf(node: SchemaNode): string | undefined {
  return typeof node === 'object' && typeof node['$ref'] === 'string' ? node['$ref'] : undefined;
}

function testPattern(pattern: string, value: string): boolean {
  for (const flags of ['u', '']) {
    try {
      return new RegExp(pattern, flags).test(value);
    } catch {}
  }
  return false;
}

function within(value: number, min: Bound | undefined, max: Bound | undefined): boolean {
  if (min && (min.exclusive ? value <= min.value : value < min.value)) return false;
  if (max && (max.exclusive ? value >= max.value : value > max.value)) return false;
  return true;
}

/** True when a typed variant accepts one literal value. */
function acceptsLiteral(variant: Variant, value: unknown): boolean {
  switch (variant.kind) {
    case 'any':
      return true;
    case 'boolean':
      return typeof value === 'boolean';
    case 'number':
      return (
        typeof value === 'number' &&
        (!variant.integer || Number.isInteger(value)) &&
        within(value, variant.min, variant.max) &&
        (variant.multipleOf === undefined || Number.isInteger(value / variant.multipleOf))
      );
    case 'string': {
      if (typeof value !== 'string') return false;
      const length = [...value].length;
      if (length < variant.minLength || length > variant.maxLength) return false;
      if (variant.pattern !== undefined) return testPattern(variant.pattern, value);
      return variant.format === undefined;
    }
    default:
      return false;
  }
}

/** `p` is at least as strict a lower bound as `c`. */
function lowerWithin(p: Bound | undefined, c: Bound | undefined): boolean {
  if (c === undefined) return true;
  if (p === undefined) return false;
  if (p.value !== c.value) return p.value > c.value;
  return !c.exclusive || p.exclusive;
}

/** `p` is at least as strict an upper bound as `c`. */
function upperWithin(p: Bound | undefined, c: Bound | undefined): boolean {
  if (c === undefined) return true;
  if (p === undefined) return false;
  if (p.value !== c.value) return p.value < c.value;
  return !c.exclusive || p.exclusive;
}

function sameBound(a: Bound | undefined, b: Bound | undefined): boolean {
  return a?.value === b?.value && a?.exclusive === b?.exclusive;
}

function showBound(bound: Bound | undefined, side: 'min' | 'max'): string {
  if (bound === undefined) return 'none';
  return `${side === 'min' ? '>' : '<'}${bound.exclusive ? '' : '='} ${bound.value}`;
}

function showNumber(value: number): string {
  return Number.isFinite(value) ? String(value) : 'none';
}

/** The literal-valued properties of an object variant (a union's discriminators). */
function constsOf(variant: ObjectVariant, root: SchemaNode): Map<string, string> {
  const consts = new Map<string, string>();
  for (const [name, schema] of variant.properties) {
    const variants = variantsOf(schema, root);
    if (variants.length === 1 && variants[0]!.kind === 'literal') {
      consts.set(name, canonicalJson(variants[0]!.value));
    }
  }
  return consts;
}

/**
 * Compares two versions of one JSON Schema and lists what changed, each change classified for a
 * client built on the old version: a `payload` may break it when the new schema allows a value the
 * old one did not; a `request` when the new schema refuses a value the old one allowed.
 */
export function compareSchemas(oldSchema: SchemaNode, newSchema: SchemaNode, flow: Flow): SchemaChange[] {
  const comparison = new Comparison(flow, oldSchema, newSchema);
  const out: SchemaChange[] = [];
  if (flow === 'payload') comparison.compare(newSchema, oldSchema, '', out);
  else comparison.compare(oldSchema, newSchema, '', out);
  return out;
}

/** The constraint changes of one node, sorted by severity. */
class ConstraintChanges {
  readonly breaking: string[] = [];
  readonly safe: string[] = [];
  /** `ok`: the consumer still takes every value the producer may give; `same`: nothing changed. */
  readonly sort = (ok: boolean, same: boolean, text: string): void => {
    if (!ok) this.breaking.push(text);
    else if (!same) this.safe.push(text);
  };
}

/**
 * One comparison. Internally it asks one question at every node: does every value the *producer*
 * may write satisfy the *consumer*? For payloads the producer is the new server and the consumer the
 * old client; for requests the producer is the old client and the consumer the new server.
 */
class Comparison {
  private readonly producerRoot: SchemaNode;
  private readonly consumerRoot: SchemaNode;
  private readonly active = new Set<string>();

  constructor(
    private readonly flow: Flow,
    oldRoot: SchemaNode,
    newRoot: SchemaNode,
  ) {
    this.producerRoot = flow === 'payload' ? newRoot : oldRoot;
    this.consumerRoot = flow === 'payload' ? oldRoot : newRoot;
  }

  /** `[old, new]` from `[producer, consumer]`. */
  private oldNew<TValue>(producer: TValue, consumer: TValue): [TValue, TValue] {
    return this.flow === 'payload' ? [consumer, producer] : [producer, consumer];
  }

  /** The kind for something only the producer has: new in a payload, gone in a request. */
  private producerOnly(added: ChangeKind, removed: ChangeKind): ChangeKind {
    return this.flow === 'payload' ? added : removed;
  }

  /** The kind for something only the consumer has: gone from a payload, new in a request. */
  private consumerOnly(added: ChangeKind, removed: ChangeKind): ChangeKind {
    return this.flow === 'payload' ? removed : added;
  }

  private change(severity: Severity, kind: ChangeKind, field: string, message: string): SchemaChange {
    return { severity, kind, field, message };
  }

  compare(producer: SchemaNode, consumer: SchemaNode, field: string, out: SchemaChange[]): void {
    const producerRef = refOf(producer);
    const consumerRef = refOf(consumer);
    if (producerRef === undefined && consumerRef === undefined) {
      this.compareNodes(producer, consumer, field, out);
      return;
    }
    // A recursive schema meets itself again: assume the pair compatible (what is different was reported above).
    const key = `${producerRef ?? schemaKey(producer)}\u0000${consumerRef ?? schemaKey(consumer)}`;
    if (this.active.has(key)) return;
    this.active.add(key);
    try {
      this.compareNodes(producer, consumer, field, out);
    } finally {
      this.active.delete(key);
    }
  }

  private compareNodes(producer: SchemaNode, consumer: SchemaNode, field: string, out: SchemaChange[]): void {
    const producerKey = schemaKey(producer);
    const consumerKey = schemaKey(consumer);
    if (producerKey === consumerKey && !producerKey.includes('"$ref"')) return;
    const before = out.length;
    const pv = variantsOf(producer, this.producerRoot);
    const cv = variantsOf(consumer, this.consumerRoot);
    const used = new Set<Variant>();
    const otherKinds: Variant[] = [];
    const values: Variant[] = [];
    const members: ObjectVariant[] = [];
    let nullable = false;
    let uncomparable = false;
    const anyConsumer = cv.find((variant) => variant.kind === 'any');

    for (const variant of pv) {
      if (anyConsumer) {
        used.add(anyConsumer);
        continue;
      }
      switch (variant.kind) {
        case 'any':
          otherKinds.push(variant);
          break;
        case 'null': {
          const match = cv.find((candidate) => candidate.kind === 'null');
          if (match) used.add(match);
          else nullable = true;
          break;
        }
        case 'boolean': {
          const match = cv.find((candidate) => candidate.kind === 'boolean');
          const yes = cv.find((candidate) => candidate.kind === 'literal' && candidate.value === true);
          const no = cv.find((candidate) => candidate.kind === 'literal' && candidate.value === false);
          if (match) used.add(match);
          else if (yes && no) used.add(yes).add(no);
          else otherKinds.push(variant);
          break;
        }
        case 'literal': {
          const text = canonicalJson(variant.value);
          const match =
            cv.find((candidate) => candidate.kind === 'literal' && canonicalJson(candidate.value) === text) ??
            cv.find((candidate) => acceptsLiteral(candidate, variant.value));
          if (match) used.add(match);
          else values.push(variant);
          break;
        }
        case 'opaque': {
          const match = cv.find(
            (candidate) => candidate.kind === 'opaque' && candidate.schema === variant.schema,
          );
          if (match) used.add(match);
          else uncomparable = true;
          break;
        }
        default: {
          const candidates = cv.filter((candidate) => candidate.kind === variant.kind);
          if (candidates.length === 0) {
            otherKinds.push(variant);
            break;
          }
          const chosen = this.choose(variant, candidates, field);
          if (chosen === undefined) {
            members.push(variant as ObjectVariant);
            break;
          }
          used.add(chosen.variant);
          out.push(...chosen.changes);
        }
      }
    }
    this.reportProducerOnly(field, out, { pv, cv, otherKinds, values, members, nullable, uncomparable });
    this.reportConsumerOnly(
      field,
      out,
      cv.filter((variant) => !used.has(variant)),
      otherKinds.length > 0 ? 'type' : values.length > 0 ? 'values' : 'none',
    );
    // Objects and arrays report their own changes; a difference found nowhere else is a compatible one.
    const structured = pv.some((variant) => variant.kind === 'object' || variant.kind === 'array');
    if (out.length === before && producerKey !== consumerKey && !structured) {
      const [oldVariants, newVariants] = this.oldNew(pv, cv);
      const [from, to] = [describeVariants(oldVariants), describeVariants(newVariants)];
      const narrowed = this.flow === 'payload';
      out.push(
        this.change(
          'safe',
          narrowed ? 'type-narrowed' : 'type-widened',
          field,
          from === to ? 'changed compatibly' : `${narrowed ? 'narrowed' : 'widened'} from ${from} to ${to}`,
        ),
      );
    }
  }

  /** Breaking changes: what the producer may write and the consumer refuses. */
  private reportProducerOnly(
    field: string,
    out: SchemaChange[],
    found: {
      pv: Variant[];
      cv: Variant[];
      otherKinds: Variant[];
      values: Variant[];
      members: ObjectVariant[];
      nullable: boolean;
      uncomparable: boolean;
    },
  ): void {
    const payload = this.flow === 'payload';
    const [oldVariants, newVariants] = this.oldNew(found.pv, found.cv);
    if (found.uncomparable) out.push(this.change('breaking', 'schema-changed', field, UNCOMPARABLE));
    if (found.otherKinds.length > 0) {
      const from = describeVariants(oldVariants);
      out.push(
        this.change(
          'breaking',
          'type-changed',
          field,
          `type changed from ${from} to ${describeVariants(newVariants)}; ${OLD} ${payload ? 'expect' : 'send'} ${from}`,
        ),
      );
    }
    if (found.values.length > 0) {
      const list = describeVariants(found.values);
      const literals = found.cv.filter((variant) => variant.kind === 'literal');
      const known = describeVariants(literals.length > 0 ? literals : found.cv);
      out.push(
        this.change(
          'breaking',
          this.producerOnly('value-added', 'value-removed'),
          field,
          payload
            ? `new value ${list} (the old contract knows ${known}); an exhaustive switch in ${OLD} does not handle it`
            : `no longer accepts ${list}; ${OLD} may send it`,
        ),
      );
    }
    if (found.nullable) {
      out.push(
        this.change(
          'breaking',
          this.producerOnly('nullable-added', 'nullable-removed'),
          field,
          payload
            ? `may now be null; ${OLD} do not expect null`
            : `no longer accepts null; ${OLD} may send null`,
        ),
      );
    }
    for (const member of found.members) {
      const name = this.describeMember(member, this.producerRoot);
      out.push(
        this.change(
          'breaking',
          this.producerOnly('variant-added', 'variant-removed'),
          field,
          payload
            ? `new union member ${name}; ${OLD} do not know it`
            : `no longer accepts union member ${name}; ${OLD} may send it`,
        ),
      );
    }
  }

  /** Safe changes: what the consumer still accepts and the producer no longer writes. */
  private reportConsumerOnly(
    field: string,
    out: SchemaChange[],
    unused: Variant[],
    breaking: 'type' | 'values' | 'none',
  ): void {
    const payload = this.flow === 'payload';
    // After a type change the values and kinds the producer dropped are part of it, not news of their own.
    const values = breaking === 'type' ? [] : unused.filter((variant) => variant.kind === 'literal');
    if (values.length > 0) {
      const list = describeVariants(values);
      out.push(
        this.change(
          'safe',
          this.consumerOnly('value-added', 'value-removed'),
          field,
          payload ? `value ${list} is no longer sent` : `now also accepts ${list}`,
        ),
      );
    }
    if (unused.some((variant) => variant.kind === 'null')) {
      out.push(
        this.change(
          'safe',
          this.consumerOnly('nullable-added', 'nullable-removed'),
          field,
          payload ? 'is no longer null' : 'now also accepts null',
        ),
      );
    }
    for (const member of unused.filter((variant): variant is ObjectVariant => variant.kind === 'object')) {
      const name = this.describeMember(member, this.consumerRoot);
      out.push(
        this.change(
          'safe',
          this.consumerOnly('variant-added', 'variant-removed'),
          field,
          payload ? `union member ${name} is no longer sent` : `now also accepts union member ${name}`,
        ),
      );
    }
    const others = unused.filter((variant) => !['literal', 'null', 'object'].includes(variant.kind));
    if (others.length > 0 && breaking === 'none') {
      out.push(
        this.change(
          'safe',
          payload ? 'type-narrowed' : 'type-widened',
          field,
          payload
            ? `no longer sends ${describeVariants(others)}`
            : `now also accepts ${describeVariants(others)}`,
        ),
      );
    }
  }

  private describeMember(member: ObjectVariant, root: SchemaNode): string {
    const consts = constsOf(member, root);
    if (consts.size > 0) return `{ ${[...consts].map(([name, value]) => `${name}: ${value}`).join(', ')} }`;
    return `{ ${[...member.properties.keys()].join(', ')} }`;
  }

  /** Picks the consumer variant that covers a producer variant of the same kind; `undefined`: a new union member. */
  private choose(
    variant: Variant,
    candidates: readonly Variant[],
    field: string,
  ): { variant: Variant; changes: SchemaChange[] } | undefined {
    const trials = candidates.map((candidate) => {
      const changes: SchemaChange[] = [];
      this.compareVariants(variant, candidate, field, changes);
      return {
        variant: candidate,
        changes,
        breaking: changes.filter((change) => change.severity === 'breaking').length,
      };
    });
    const clean = trials.find((trial) => trial.breaking === 0);
    if (clean) return clean;
    if (trials.length === 1) return trials[0];
    if (variant.kind === 'object') {
      const consts = constsOf(variant, this.producerRoot);
      return trials.find((trial) => {
        const other = constsOf(trial.variant as ObjectVariant, this.consumerRoot);
        const shared = [...consts.keys()].filter((name) => other.has(name));
        return shared.length > 0 && shared.every((name) => consts.get(name) === other.get(name));
      });
    }
    return trials.reduce((best, trial) => (trial.breaking < best.breaking ? trial : best));
  }

  private compareVariants(producer: Variant, consumer: Variant, field: string, out: SchemaChange[]): void {
    if (producer.kind === 'number' && consumer.kind === 'number')
      this.compareNumbers(producer, consumer, field, out);
    else if (producer.kind === 'string' && consumer.kind === 'string')
      this.compareStrings(producer, consumer, field, out);
    else if (producer.kind === 'array' && consumer.kind === 'array')
      this.compareArrays(producer, consumer, field, out);
    else if (producer.kind === 'object' && consumer.kind === 'object')
      this.compareObjects(producer, consumer, field, out);
  }

  /** Pushes one change per severity for the constraints of one node (`maximum 50 → 100`). */
  private constraints(
    field: string,
    out: SchemaChange[],
    { breaking, safe }: ConstraintChanges,
    extra: readonly [string, string],
  ): void {
    const payload = this.flow === 'payload';
    if (breaking.length > 0) {
      out.push(
        this.change(
          'breaking',
          payload ? 'constraint-widened' : 'constraint-narrowed',
          field,
          `${breaking.join(', ')}; ${
            payload
              ? `the server may now send values that the old schema refuses (${OLD} with validate: true drop them)`
              : `${OLD} may send values the server now refuses (400)`
          }`,
        ),
      );
    }
    if (safe.length > 0) {
      out.push(
        this.change('safe', payload ? 'constraint-narrowed' : 'constraint-widened', field, safe.join(', ')),
      );
    }
    if (extra[0] !== extra[1]) {
      const [from, to] = this.oldNew(extra[0], extra[1]);
      out.push(
        this.change('breaking', 'schema-changed', field, `${UNCOMPARABLE} (keywords ${from} → ${to})`),
      );
    }
  }

  /** `name old → new`, in the old-to-new order whatever the flow. */
  private part(name: string, producer: string, consumer: string): string {
    const [from, to] = this.oldNew(producer, consumer);
    return `${name} ${from} → ${to}`;
  }

  private compareNumbers(p: NumberVariant, c: NumberVariant, field: string, out: SchemaChange[]): void {
    if (p.integer !== c.integer) {
      const [from, to] = this.oldNew(p.integer ? 'integer' : 'number', c.integer ? 'integer' : 'number');
      const widened = to === 'number';
      const breaking = c.integer;
      out.push(
        this.change(
          breaking ? 'breaking' : 'safe',
          widened ? 'type-widened' : 'type-narrowed',
          field,
          `type changed from ${from} to ${to}${
            breaking
              ? this.flow === 'payload'
                ? `; ${OLD} expect whole numbers`
                : `; ${OLD} may send fractions`
              : ''
          }`,
        ),
      );
    }
    const changes = new ConstraintChanges();
    const sort = changes.sort;
    sort(
      lowerWithin(p.min, c.min),
      sameBound(p.min, c.min),
      this.part('minimum', showBound(p.min, 'min'), showBound(c.min, 'min')),
    );
    sort(
      upperWithin(p.max, c.max),
      sameBound(p.max, c.max),
      this.part('maximum', showBound(p.max, 'max'), showBound(c.max, 'max')),
    );
    sort(
      c.multipleOf === undefined ||
        (p.multipleOf !== undefined && Number.isInteger(p.multipleOf / c.multipleOf)),
      p.multipleOf === c.multipleOf,
      this.part('multipleOf', String(p.multipleOf ?? 'none'), String(c.multipleOf ?? 'none')),
    );
    this.constraints(field, out, changes, [p.extra, c.extra]);
  }

  private compareStrings(p: StringVariant, c: StringVariant, field: string, out: SchemaChange[]): void {
    const changes = new ConstraintChanges();
    const sort = changes.sort;
    sort(
      p.minLength >= c.minLength,
      p.minLength === c.minLength,
      this.part('minLength', String(p.minLength), String(c.minLength)),
    );
    sort(
      p.maxLength <= c.maxLength,
      p.maxLength === c.maxLength,
      this.part('maxLength', showNumber(p.maxLength), showNumber(c.maxLength)),
    );
    const show = (pattern: string | undefined) => (pattern === undefined ? 'none' : `/${pattern}/`);
    sort(
      c.pattern === undefined || p.pattern === c.pattern,
      p.pattern === c.pattern,
      this.part('pattern', show(p.pattern), show(c.pattern)),
    );
    sort(
      c.format === undefined || p.format === c.format,
      p.format === c.format,
      this.part('format', p.format ?? 'none', c.format ?? 'none'),
    );
    this.constraints(field, out, changes, [p.extra, c.extra]);
  }

  private compareArrays(p: ArrayVariant, c: ArrayVariant, field: string, out: SchemaChange[]): void {
    const changes = new ConstraintChanges();
    const sort = changes.sort;
    sort(
      p.minItems >= c.minItems,
      p.minItems === c.minItems,
      this.part('minItems', String(p.minItems), String(c.minItems)),
    );
    sort(
      p.maxItems <= c.maxItems,
      p.maxItems === c.maxItems,
      this.part('maxItems', showNumber(p.maxItems), showNumber(c.maxItems)),
    );
    sort(
      !c.uniqueItems || p.uniqueItems,
      p.uniqueItems === c.uniqueItems,
      this.part('uniqueItems', String(p.uniqueItems), String(c.uniqueItems)),
    );
    this.constraints(field, out, changes, [p.extra, c.extra]);
    if (p.prefixItems.length === 0 && c.prefixItems.length === 0) {
      if (p.items !== false && c.items !== false && p.maxItems > 0)
        this.compare(p.items, c.items, join(field, '[]'), out);
      return;
    }
    const tuple = Math.max(p.prefixItems.length, c.prefixItems.length);
    // An item the consumer has no place for is reported by maxItems above.
    for (let index = 0; index < tuple && index < p.maxItems; index++) {
      const item = p.prefixItems[index] ?? p.items;
      const target = c.prefixItems[index] ?? c.items;
      if (item === false) break;
      if (target !== false) this.compare(item, target, join(field, `[${index}]`), out);
    }
    if (p.items !== false && c.items !== false && p.maxItems > tuple)
      this.compare(p.items, c.items, join(field, '[]'), out);
  }

  private compareObjects(p: ObjectVariant, c: ObjectVariant, field: string, out: SchemaChange[]): void {
    const payload = this.flow === 'payload';
    // Payloads are output: a field with a default is always there. Requests are input: it may be left out.
    const present = (variant: ObjectVariant, name: string) =>
      variant.required.has(name)
        ? !(!payload && variant.defaults.has(name))
        : payload && variant.defaults.has(name);
    const bothRecords = p.additional !== undefined && c.additional !== undefined;
    // Required names without a property are the keys of an enum-keyed record: each is a field too.
    const names = new Set([...p.properties.keys(), ...c.properties.keys(), ...p.required, ...c.required]);

    const local: SchemaChange[] = [];
    const removed: { name: string; key: string; change: SchemaChange }[] = [];
    const added: { name: string; key: string; change: SchemaChange }[] = [];
    for (const name of [...names].sort()) {
      const path = join(field, name);
      const ps = p.properties.get(name) ?? p.additional;
      const cs = c.properties.get(name) ?? c.additional;
      const pPresent = present(p, name);
      const cPresent = present(c, name);
      if (ps === undefined && cs === undefined) continue;
      if (cs === undefined) {
        const change = payload
          ? this.change(
              'safe',
              'field-added',
              path,
              `new ${pPresent ? '' : 'optional '}field; ${OLD} ignore it`,
            )
          : this.change(
              'safe',
              'field-removed',
              path,
              `removed; ${OLD} may still send it and the server ignores it`,
            );
        local.push(change);
        (payload ? added : removed).push({ name, key: schemaKey(ps), change });
        continue;
      }
      if (ps === undefined) {
        const change = payload
          ? cPresent
            ? this.change('breaking', 'field-removed', path, `required field removed; ${OLD} read it`)
            : this.change(
                'safe',
                'field-removed',
                path,
                'optional field removed; clients already handle its absence',
              )
          : cPresent
            ? this.change('breaking', 'field-added', path, `new required field; ${OLD} do not send it`)
            : this.change('safe', 'field-added', path, `new optional field; ${OLD} leave it out`);
        local.push(change);
        (payload ? removed : added).push({ name, key: schemaKey(cs), change });
        continue;
      }
      if (cPresent && !pPresent) {
        local.push(
          payload
            ? this.change(
                'breaking',
                'field-optional',
                path,
                `was always present and may now be missing; ${OLD} read it without a check`,
              )
            : this.change('breaking', 'field-required', path, `is now required; ${OLD} may leave it out`),
        );
      } else if (pPresent && !cPresent) {
        local.push(
          payload
            ? this.change('safe', 'field-required', path, 'is now always present')
            : this.change('safe', 'field-optional', path, 'is now optional'),
        );
      }
      this.compare(ps, cs, path, local);
    }
    this.pairRenames(removed, added, local);
    out.push(...local);
    if (bothRecords) this.compare(p.additional!, c.additional!, join(field, '[key]'), out);
    if (c.propertyNames !== undefined)
      this.compare(p.propertyNames ?? true, c.propertyNames, join(field, ' (keys)'), out);
    else if (p.propertyNames !== undefined && bothRecords)
      this.compare(p.propertyNames, true, join(field, ' (keys)'), out);
    this.constraints(field, out, new ConstraintChanges(), [p.extra, c.extra]);
  }

  /** A removed field and an added one with the same schema are one rename; replaces both changes in `local`. */
  private pairRenames(
    removed: readonly { name: string; key: string; change: SchemaChange }[],
    added: readonly { name: string; key: string; change: SchemaChange }[],
    local: SchemaChange[],
  ): void {
    for (const gone of removed) {
      const matches = added.filter((entry) => entry.key === gone.key);
      if (matches.length !== 1 || removed.filter((entry) => entry.key === gone.key).length !== 1) continue;
      const next = matches[0]!;
      const breaking = gone.change.severity === 'breaking' || next.change.severity === 'breaking';
      const rename = this.change(
        breaking ? 'breaking' : 'safe',
        'field-renamed',
        gone.change.field,
        `renamed to "${next.name}"${
          breaking
            ? this.flow === 'payload'
              ? `; ${OLD} read "${gone.name}"`
              : `; ${OLD} send "${gone.name}" and the server requires "${next.name}"`
            : ''
        }`,
      );
      local.splice(local.indexOf(gone.change), 1, rename);
      local.splice(local.indexOf(next.change), 1);
    }
  }
}
