/**
 * What every family's generator works with: both sides of the change indexed by object, the
 * steps and notes gathered so far, and which objects are dropped and created again.
 *
 * @module
 */
import type { SnapshotObject, SnapshotObjectKind } from "../schema/objects.ts";
import { lastPart, mentions } from "./names.ts";
import type { Note, Step } from "./step.ts";

/** The key an object is matched by on both sides: kind and name. */
export function keyOf(object: Pick<SnapshotObject, "kind" | "name">): string {
  return `${object.kind}\u0000${object.name}`;
}

/** One side of the change: the objects, by key and by parent. */
export class Side {
  readonly objects: readonly SnapshotObject[];
  readonly byKey: Map<string, SnapshotObject>;
  readonly children: Map<string, SnapshotObject[]>;

  constructor(objects: readonly SnapshotObject[]) {
    this.objects = objects;
    this.byKey = new Map(objects.map((o) => [keyOf(o), o]));
    this.children = new Map();
    for (const object of objects) {
      if (object.parent === undefined) continue;
      const list = this.children.get(object.parent) ?? [];
      list.push(object);
      this.children.set(object.parent, list);
    }
  }

  /** The object of this kind and name, if any. */
  get(kind: SnapshotObjectKind, name: string): SnapshotObject | undefined {
    return this.byKey.get(`${kind}\u0000${name}`);
  }

  /** Whether the other side has the same object. */
  has(object: SnapshotObject): boolean {
    return this.byKey.has(keyOf(object));
  }

  /** Objects of some kinds. */
  ofKind(...kinds: SnapshotObjectKind[]): SnapshotObject[] {
    return this.objects.filter((o) => kinds.includes(o.kind));
  }

  /** What hangs off `parent`, of one kind. */
  childrenOf(parent: string, kind: SnapshotObjectKind): SnapshotObject[] {
    return (this.children.get(parent) ?? []).filter((o) => o.kind === kind);
  }
}

/** A plan under construction. */
export class Plan {
  readonly from: Side;
  readonly to: Side;
  readonly steps: Step[] = [];
  readonly notes: Note[] = [];
  /** Keys of objects on both sides that are dropped and created again. */
  readonly recreated = new Set<string>();
  /** Keys of objects replaced in place (an enum swapped for a new one): comments go again. */
  readonly renewed = new Set<string>();
  /** Names whose objects change so that what depends on them must be recreated. */
  readonly touched = new Set<string>();
  /** Columns dropped or retyped, by table: views and policies naming them are recreated. */
  readonly touchedColumns = new Map<string, Set<string>>();

  constructor(from: readonly SnapshotObject[], to: readonly SnapshotObject[]) {
    this.from = new Side(from);
    this.to = new Side(to);
  }

  /** Adds a step. */
  add(step: Step): void {
    this.steps.push(step);
  }

  /** Adds a note, once; `fails` when it says how the SQL can fail on the data. */
  note(kind: Note["kind"], message: string, fails = false): void {
    if (!this.notes.some((n) => n.kind === kind && n.message === message)) {
      this.notes.push(fails ? { kind, message, fails } : { kind, message });
    }
  }

  /** Marks an object (present on both sides) as dropped and created again. */
  recreate(object: SnapshotObject): void {
    this.recreated.add(keyOf(object));
    this.touch(object.name);
  }

  /** Records that what depends on `name` must be recreated. */
  touch(name: string): void {
    this.touched.add(name);
    const open = name.indexOf("(");
    if (open >= 0) this.touched.add(name.slice(0, open));
  }

  /** Records that a column is dropped or retyped. */
  touchColumn(table: string, column: string): void {
    const set = this.touchedColumns.get(table) ?? new Set();
    set.add(column);
    this.touchedColumns.set(table, set);
  }

  /** Whether `definition` names something touched, or a touched column of a table it names. */
  dependsOnTouched(definition: string, self?: string): boolean {
    const found = mentions(definition);
    for (const name of found) {
      if (name === self) continue;
      if (this.touched.has(name)) return true;
      for (const column of this.touchedColumns.get(name) ?? []) {
        if (found.has(column)) return true;
      }
    }
    return false;
  }

  /** Whether an object on both sides is recreated. */
  isRecreated(object: SnapshotObject): boolean {
    return this.recreated.has(keyOf(object));
  }

  /** The state of an object of `to`: new, recreated, or kept (altered in place). */
  fate(object: SnapshotObject): "new" | "recreated" | "kept" {
    if (!this.from.has(object)) return "new";
    return this.isRecreated(object) || this.renewed.has(keyOf(object)) ? "recreated" : "kept";
  }
}

/** A name and its last part, what a step creates or drops. */
export function names(name: string): string[] {
  const base = name.includes("(") ? name.slice(0, name.indexOf("(")) : name;
  return [...new Set([base, lastPart(base)])];
}
