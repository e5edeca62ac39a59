// SPDX-License-Identifier: GPL-2.0-or-later
// What read.mjs and compare.mjs share: a file's metadata and schema through
// hyparquet, and one row group's rows (timestamps kept as BigInt milliseconds).
import { parquetMetadata, parquetReadObjects } from 'hyparquet'
import { compressors } from 'hyparquet-compressors'
import { readFileSync } from 'node:fs'

const buffers = new Map()

function arrayBuffer(file) {
  if (!buffers.has(file)) {
    const buf = readFileSync(file)
    buffers.set(file, buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength))
  }
  return buffers.get(file)
}

// The metadata, and per leaf column: name, physical type, repetition, the
// logical and converted types, and each row group's chunk encodings.
export function openParquet(file) {
  const metadata = parquetMetadata(arrayBuffer(file))
  const columns = metadata.schema.slice(1).map((element, i) => ({
    name: element.name,
    type: element.type,
    repetition: element.repetition_type,
    logical: element.logical_type ?? null,
    converted: element.converted_type ?? null,
    encodings: metadata.row_groups.map(group => group.columns[i].meta_data.encodings),
  }))
  return { metadata, columns }
}

export function rowGroupStart(metadata, group) {
  let start = 0
  for (let g = 0; g < group; g++) start += Number(metadata.row_groups[g].num_rows)
  return start
}

export async function readRowGroup(file, metadata, group) {
  const rowStart = rowGroupStart(metadata, group)
  return parquetReadObjects({
    file: arrayBuffer(file),
    metadata,
    compressors,
    rowStart,
    rowEnd: rowStart + Number(metadata.row_groups[group].num_rows),
    parsers: { timestampFromMilliseconds: millis => BigInt(millis) },
  })
}
