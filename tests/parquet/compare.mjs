// SPDX-License-Identifier: GPL-2.0-or-later
// Checks a Parquet file written by scalable's writer against what the
// writer was given (EXPECTED.jsonl, from parquet_fixture_writer), reading
// the file with hyparquet: the schema (names, physical, logical and
// converted types, repetition), the row and row group counts, which chunks
// are dictionary-encoded, every chunk's null_count and min/max, and every
// value bit for bit (doubles by their IEEE bits, NaN as any NaN).
//   node tests/parquet/compare.mjs FILE.parquet EXPECTED.jsonl
// With --duckdb, DuckDB reads the file instead: the column types and every
// value (exit 77 when DuckDB is not installed).
// Prints one line per problem (the first 20) and a summary; exit 1 on any.
import { createReadStream } from 'node:fs'
import { createInterface } from 'node:readline'
import { duckdbRead, loadDuckDB } from './duckdb_rows.mjs'
import { openParquet, readRowGroup } from './parquet_file.mjs'

const useDuckDB = process.argv[2] === '--duckdb'
const [file, expectedFile] = process.argv.slice(useDuckDB ? 3 : 2)
if (!file || !expectedFile) {
  console.error('usage: node compare.mjs [--duckdb] FILE.parquet EXPECTED.jsonl')
  process.exit(2)
}
let problems = 0
function problem(text) {
  if (++problems <= 20) console.log(`compare: ${file}: ${text}`)
}

const physical = { int64: 'INT64', timestamp: 'INT64', double: 'DOUBLE', boolean: 'BOOLEAN', string: 'BYTE_ARRAY' }
const converted = { string: 'UTF8', timestamp: 'TIMESTAMP_MILLIS' }

function checkSchema(expected, columns) {
  if (columns.length !== expected.columns.length) problem(`${columns.length} columns, expected ${expected.columns.length}`)
  expected.columns.forEach((want, i) => {
    const got = columns[i] ?? {}
    const logical = got.logical ?? {}
    if (got.name !== want.name) problem(`column ${i} is ${got.name}, expected ${want.name}`)
    if (got.type !== physical[want.type]) problem(`${want.name}: type ${got.type}`)
    if (got.repetition !== (want.nullable ? 'OPTIONAL' : 'REQUIRED')) problem(`${want.name}: ${got.repetition}`)
    if ((got.converted ?? undefined) !== converted[want.type]) problem(`${want.name}: converted type ${got.converted}`)
    if (want.type === 'string' && logical.type !== 'STRING') problem(`${want.name}: logical type ${JSON.stringify(logical)}`)
    if (want.type === 'timestamp' && (logical.type !== 'TIMESTAMP' || logical.unit !== 'MILLIS' || logical.isAdjustedToUTC !== true))
      problem(`${want.name}: logical type ${JSON.stringify(logical)}`)
  })
}

function checkDictionaries(expected, columns) {
  for (const [name, which] of Object.entries(expected.dictionary)) {
    const column = columns.find(c => c.name === name)
    column?.encodings.forEach((encodings, group, all) => {
      const want = which === 'all' || (which === 'last' && group === all.length - 1)
      if (encodings.includes('RLE_DICTIONARY') !== want)
        problem(`${name}: row group ${group} has encodings ${encodings}, expected ${want ? '' : 'no '}dictionary`)
    })
  }
}

// The expected cell as the reader should give it back; doubles compared by bits.
const bits = new DataView(new ArrayBuffer(8))
function same(type, want, got) {
  if (want === null) return got === null || got === undefined
  if (type === 'int64' || type === 'timestamp') return typeof got === 'bigint' && got === BigInt(want)
  if (type === 'double') {
    if (typeof got !== 'number') return false
    const wantBits = BigInt('0x' + want)
    bits.setBigUint64(0, wantBits)
    if (Number.isNaN(bits.getFloat64(0))) return Number.isNaN(got)
    bits.setFloat64(0, got)
    return bits.getBigUint64(0) === wantBits
  }
  return got === want
}

// The value statistics are about: BigInt, number, UTF-8 bytes.
function statValue(type, value) {
  if (value === null || value === undefined) return undefined
  if (type === 'int64' || type === 'timestamp') return value instanceof Date ? BigInt(value.getTime()) : BigInt(value)
  if (type === 'double') {
    if (typeof value === 'number') return value
    bits.setBigUint64(0, BigInt('0x' + value))
    return bits.getFloat64(0)
  }
  if (type === 'string') return Buffer.from(value)
  return value
}
function less(type, a, b) {
  return type === 'string' ? Buffer.compare(a, b) < 0 : a < b
}
function sameStat(type, a, b) {
  return type === 'string' ? Buffer.compare(a, b) === 0 : a === b
}

function checkChunkStats(expected, metadata, group, rows) {
  expected.columns.forEach((column, i) => {
    const stats = metadata.row_groups[group].columns[i].meta_data.statistics ?? {}
    let nulls = 0, min, max
    for (const row of rows) {
      const v = statValue(column.type, row[i])
      if (v === undefined) { nulls++; continue }
      if (column.type === 'boolean' || Number.isNaN(v)) continue
      if (min === undefined || less(column.type, v, min)) min = v
      if (max === undefined || less(column.type, max, v)) max = v
    }
    if (BigInt(stats.null_count ?? -1) !== BigInt(nulls)) problem(`${column.name}: row group ${group} null_count ${stats.null_count}, expected ${nulls}`)
    if (column.type === 'boolean' || min === undefined) return
    const gotMin = statValue(column.type, stats.min_value), gotMax = statValue(column.type, stats.max_value)
    // a string statistic over 256 bytes is left out; present, it must be exact
    if (gotMin !== undefined ? !sameStat(column.type, gotMin, min) : column.type !== 'string' || min.length <= 256)
      problem(`${column.name}: row group ${group} min_value ${stats.min_value}, expected ${min}`)
    if (gotMax !== undefined ? !sameStat(column.type, gotMax, max) : column.type !== 'string' || max.length <= 256)
      problem(`${column.name}: row group ${group} max_value ${stats.max_value}, expected ${max}`)
  })
}

const shown = value => typeof value === 'bigint' ? `${value}n` : typeof value === 'number' ? String(value) : JSON.stringify(value)
function compareRow(expected, want, got, rowNumber) {
  expected.columns.forEach((column, i) => {
    if (!same(column.type, want[i], got[i]))
      problem(`row ${rowNumber} ${column.name}: read ${shown(got[i])}, wrote ${JSON.stringify(want[i])}`)
  })
}

// hyparquet: the metadata checked, then row group by row group.
async function compareHyparquet(expected, lines) {
  const { metadata, columns } = openParquet(file)
  checkSchema(expected, columns)
  checkDictionaries(expected, columns)
  if (BigInt(metadata.num_rows) !== BigInt(expected.rows)) problem(`num_rows ${metadata.num_rows}, expected ${expected.rows}`)
  const groups = Math.ceil(expected.rows / expected.row_group_rows)
  if (metadata.row_groups.length !== groups) problem(`${metadata.row_groups.length} row groups, expected ${groups}`)
  let rowNumber = 0
  for (let group = 0; group < metadata.row_groups.length; group++) {
    const got = await readRowGroup(file, metadata, group)
    const want = []
    for (let i = 0; i < got.length; i++) {
      const next = await lines.next()
      if (next.done) { problem(`more rows than were written (${rowNumber + i + 1})`); break }
      want.push(JSON.parse(next.value))
    }
    checkChunkStats(expected, metadata, group, want)
    want.forEach((row, r) => compareRow(expected, row, expected.columns.map(c => got[r][c.name]), rowNumber + r))
    rowNumber += got.length
  }
  return `${rowNumber} rows in ${metadata.row_groups.length} row groups`
}

const duckdbTypes = { int64: 'BIGINT', double: 'DOUBLE', boolean: 'BOOLEAN', string: 'VARCHAR', timestamp: 'TIMESTAMP WITH TIME ZONE' }

// DuckDB: the types it sees, then every row in file order.
async function compareDuckDB(expected, lines, duckdb) {
  const { types, rows } = await duckdbRead(duckdb, file, expected.columns)
  for (const column of expected.columns)
    if (types[column.name] !== duckdbTypes[column.type]) problem(`${column.name}: DuckDB type ${types[column.name]}`)
  let rowNumber = 0
  for await (const line of { [Symbol.asyncIterator]: () => lines }) {
    if (rowNumber >= rows.length) { problem(`fewer rows than were written (${rows.length})`); break }
    compareRow(expected, JSON.parse(line), rows[rowNumber], rowNumber)
    rowNumber++
  }
  if (rows.length > rowNumber) problem(`more rows than were written (${rows.length})`)
  return `DuckDB: ${rows.length} rows`
}

const duckdb = useDuckDB ? await loadDuckDB() : null
if (useDuckDB && !duckdb) {
  console.log('compare: DuckDB (@duckdb/node-api) is not installed')
  process.exit(77)
}
const lines = createInterface({ input: createReadStream(expectedFile), crlfDelay: Infinity })[Symbol.asyncIterator]()
const first = await lines.next()
if (first.done) {
  console.log(`compare: ${expectedFile} is empty: no header line`)
  process.exit(1)
}
const expected = JSON.parse(first.value)
const seen = useDuckDB ? await compareDuckDB(expected, lines, duckdb) : await compareHyparquet(expected, lines)
if (!useDuckDB && !(await lines.next()).done) problem('fewer rows were read than were written')
console.log(`compare: ${file}: ${seen}, ${expected.columns.length} columns: ${problems ? problems + ' problems' : 'identical'}`)
process.exit(problems ? 1 : 0)
