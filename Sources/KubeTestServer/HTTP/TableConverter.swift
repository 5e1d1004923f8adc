import Foundation
import KubeClient

/// Server-side printing (`Accept: application/json;as=Table;g=meta.k8s.io;v=v1`): what `kubectl get` shows.
enum TableConverter {
    static func wantsTable(_ accept: String?) -> Bool {
        accept?.contains("as=Table") ?? false
    }

    static func table(for resource: ServedResource, objects: [JSONValue], includeObject: String?, resourceVersion: String?,
                      continueToken: String? = nil, now: Date = Date()) -> JSONValue
    {
        var definitions: [JSONValue] = resource.tableOmitsName ? [] : [[
            "name": "Name", "type": "string", "format": "name", "priority": 0,
            "description": "Name must be unique within a namespace.",
        ]]
        for column in resource.printerColumns {
            definitions.append([
                "name": .string(column.name), "type": .string(column.type == "date" ? "string" : column.type),
                "format": "", "priority": .int(Int64(column.priority)), "description": .string(column.description),
            ])
        }
        let rows: [JSONValue] = objects.map { object in
            var cells: [JSONValue] = resource.tableOmitsName ? [] : [object[path: ["metadata", "name"]] ?? ""]
            for column in resource.printerColumns { cells.append(cell(column, object, now: now)) }
            var row: JSONValue = ["cells": .array(cells)]
            switch includeObject {
            case "None": break
            case "Object": row["object"] = object
            default:
                row["object"] = ["kind": "PartialObjectMetadata", "apiVersion": "meta.k8s.io/v1",
                                 "metadata": object["metadata"] ?? [:]]
            }
            return row
        }
        var metadata: JSONValue = ["resourceVersion": .string(resourceVersion ?? "")]
        if let continueToken { metadata["continue"] = .string(continueToken) }
        return ["kind": "Table", "apiVersion": "meta.k8s.io/v1", "metadata": metadata,
                "columnDefinitions": .array(definitions), "rows": .array(rows)]
    }

    static func cell(_ column: PrinterColumn, _ object: JSONValue, now: Date) -> JSONValue {
        if let computed = PodColumns.cell(column.jsonPath, object, now: now) { return computed }
        let values = JSONPathLite.evaluate(column.jsonPath, in: object)
        guard let first = values.first else { return column.type == "date" ? "<unknown>" : .null }
        if column.type == "date", let stamp = first.stringValue, let date = KubeTime.parse(stamp) {
            return .string(age(since: date, now: now))
        }
        if values.count > 1 { return .string(values.map { $0.stringValue ?? $0.jsonString }.joined(separator: ",")) }
        switch first {
        case .object, .array: return .string(first.jsonString)
        default: return first
        }
    }

    /// kubectl's short human durations: 45s, 12m, 3h, 5d.
    static func age(since date: Date, now: Date) -> String {
        let seconds = max(0, Int(now.timeIntervalSince(date)))
        switch seconds {
        case ..<120: return "\(seconds)s"
        case ..<(60 * 60 * 2): return "\(seconds / 60)m"
        case ..<(60 * 60 * 48): return "\(seconds / 3600)h"
        default: return "\(seconds / 86_400)d"
        }
    }
}
