/**
 * One step of generated SQL: statements, where its family puts it, and the text its
 * dependencies are read from.
 *
 * @module
 */

/**
 * Where a step goes when nothing it mentions decides: drops of dependents first, then what is
 * altered in place, then drops of what they depended on, then creations from schemas to
 * comments.
 */
export const RANK = {
  dropPolicy: 1,
  dropTrigger: 2,
  dropView: 3,
  dropForeignKey: 4,
  dropConstraint: 5,
  dropIndex: 6,
  rename: 10,
  alterTable: 11,
  relaxColumn: 12,
  retypeColumn: 13,
  dropColumn: 14,
  dropTable: 15,
  dropSequence: 16,
  dropRoutine: 17,
  dropType: 18,
  dropExtension: 19,
  dropSchema: 20,
  createSchema: 30,
  createExtension: 31,
  createType: 32,
  createRoutine: 33,
  createSequence: 34,
  createTable: 35,
  alterColumn: 36,
  alterSequence: 37,
  addConstraint: 38,
  createIndex: 39,
  addForeignKey: 40,
  createView: 41,
  createTrigger: 42,
  createPolicy: 43,
  comment: 44,
  grant: 45,
} as const;

/** One step of a plan. */
export interface Step {
  /** The SQL statements, each ending in `;`. */
  sql: string[];
  /** Where it sorts among steps nothing orders. */
  rank: number;
  /** Names it creates (qualified and bare), that later steps may mention. */
  creates?: readonly string[];
  /** Names it drops, that steps mentioning them must come before. */
  drops?: readonly string[];
  /** Text whose mentions of created names must exist first: the new definition. */
  needs?: string;
  /** Text whose mentions of dropped names must still exist: the old definition. */
  frees?: string;
}

/** Something the generated SQL cannot do, or does at a cost the reader must know. */
export interface Note {
  /** `irreversible`: the SQL cannot reach the target; `data`: it does, but loses data. */
  kind: "irreversible" | "data" | "recreate";
  /** One sentence. */
  message: string;
  /** True when it says how running the SQL can fail on the data (rows holding NULL...). */
  fails?: boolean;
}
