// SPDX-License-Identifier: GPL-2.0-or-later
// Usage: node export_compare.mjs NODE_MODULES DIR [TABLE...]: reads
// DIR/<table>.parquet with hyparquet (an independent reader, test-only) and
// DIR/<table>.csv with a small RFC 4180 parser, and compares them cell by
// cell: the same columns, rows and values, null where CSV has an empty field.
// Prints "TABLE ROWS COLUMNS" per table; exits 1 with the first mismatches.
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'

const [modules, dir, ...asked] = process.argv.slice(2)
const tables = asked.length ? asked : ['tasks', 'attempts', 'failures']
const load = p => import(pathToFileURL(join(modules, p)).href)
const { parquetReadObjects, parquetMetadata, parquetSchema } = await load('hyparquet/src/index.js')
const { compressors } = await load('hyparquet-compressors/src/index.js')

// Calls onRecord with each record of RFC 4180 text (quoted fields may hold
// commas, quotes as "" and CRLF; an unquoted empty field is null), one at a
// time, so that a million rows are never held twice.
function parseCsv(text, onRecord) {
  let row = [], field = '', quoted = false, wasQuoted = false, i = 0
  while (i < text.length) {
    const c = text[i]
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') { field += '"'; i += 2; continue }
      if (c === '"') { quoted = false; i++; continue }
      field += c; i++; continue
    }
    if (c === '"') { quoted = wasQuoted = true; i++; continue }
    if (c === ',' || c === '\r') {
      row.push(wasQuoted || field !== '' ? field : null)
      field = ''; wasQuoted = false
      if (c === '\r') {
        if (text[i + 1] !== '\n') throw new Error(`a CR without LF at ${i}`)
        onRecord(row); row = []; i += 2; continue
      }
      i++; continue
    }
    if (c === '\n') throw new Error(`a bare LF at ${i}`)
    field += c; i++
  }
  if (field !== '' || row.length) throw new Error('the last record does not end in CRLF')
}

// A Parquet value as the CSV writes it.
function asText(v) {
  if (v === null || v === undefined) return null
  if (v instanceof Date) return v.toISOString()
  if (typeof v === 'bigint') return v.toString()
  if (typeof v === 'boolean') return v ? 'true' : 'false'
  return v
}

function same(csv, pq) {
  if (csv === null || pq === null) return csv === pq
  if (typeof pq === 'number') return Number(csv) === pq
  return csv === pq
}

let bad = 0
for (const table of tables) {
  const bytes = readFileSync(join(dir, `${table}.parquet`))
  const file = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength)
  const meta = parquetMetadata(file)
  const names = parquetSchema(meta).children.map(c => c.element.name)
  const rows = await parquetReadObjects({ file, compressors })
  let header = null, r = 0
  parseCsv(readFileSync(join(dir, `${table}.csv`), 'utf8'), record => {
    if (!header) {
      header = record
      if (header.join(',') !== names.join(',')) {
        console.log(`${table}: columns differ:\n csv     ${header}\n parquet ${names}`)
        bad++
      }
      return
    }
    if (r < rows.length)
      for (let c = 0; c < names.length && bad < 10; c++) {
        const pq = asText(rows[r][names[c]])
        if (!same(record[c], pq)) {
          console.log(`${table} row ${r} ${names[c]}: csv ${JSON.stringify(record[c])} parquet ${JSON.stringify(pq)}`)
          bad++
        }
      }
    r++
  })
  if (r !== rows.length || Number(meta.num_rows) !== rows.length) {
    console.log(`${table}: ${r} CSV rows, ${rows.length} Parquet rows (footer: ${meta.num_rows})`)
    bad++
  }
  console.log(`${table} ${rows.length} ${names.length}`)
}
process.exit(bad ? 1 : 0)
