// SPDX-License-Identifier: GPL-2.0-or-later
// Reads a Parquet file with hyparquet (an independent reader, test-only) and
// prints its schema and row count as one JSON line, then every row as a JSON
// line: int64s and timestamps (milliseconds) as decimal strings, NaN and the
// infinities as strings.   node tests/parquet/read.mjs FILE.parquet
import { openParquet, readRowGroup } from './parquet_file.mjs'

const file = process.argv[2]
if (!file) {
  console.error('usage: node read.mjs FILE.parquet')
  process.exit(2)
}
const { metadata, columns } = openParquet(file)
console.log(JSON.stringify({
  num_rows: String(metadata.num_rows),
  row_groups: metadata.row_groups.length,
  created_by: metadata.created_by,
  columns,
}))
const plain = value => {
  if (typeof value === 'bigint') return String(value)
  if (typeof value === 'number' && !Number.isFinite(value)) return String(value)
  return value ?? null
}
for (let group = 0; group < metadata.row_groups.length; group++) {
  for (const row of await readRowGroup(file, metadata, group)) {
    console.log(JSON.stringify(columns.map(c => plain(row[c.name]))))
  }
}
