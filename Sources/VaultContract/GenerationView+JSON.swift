import EachLabs
import Foundation
import VaultDomain

// The answers of the generation routes write their own JSON (`JSONWritable`): the same bytes as `ContractJSON`'s
// encoder, keys in sorted order, nil fields left out (`JSONWriterTests` compares the two).

extension GenerationPage: JSONWritable {
    public func write(to json: inout JSONWriter) {
        json.object { json in
            json.field("count", count)
            json.field("items", items)
            json.field("next_cursor", nextCursor)
            json.field("ranking_window", rankingWindow)
        }
    }
}

extension GenerationView: JSONWritable {
    public func write(to json: inout JSONWriter) {
        json.object { json in
            json.field("assets", assets)
            json.field("completed_at", completedAt)
            json.field("cost_usd", costUSD)
            json.field("create_uncertain", createUncertain)
            json.field("created_at", createdAt)
            json.field("deduplicated_from", deduplicatedFrom)
            json.field("error", error)
            json.field("favourite", favourite)
            json.field("history", history)
            json.field("id", id)
            json.field("input", JSONValue.object(input))
            json.field("inputs", inputs)
            json.field("made_from", madeFrom)
            json.field("model", model)
            json.field("note", note)
            json.field("origin", origin)
            json.field("predict_time_s", predictTimeS)
            json.field("prediction_id", predictionID)
            json.field("prompt", prompt)
            json.field("snippet", snippet)
            json.field("snippet_parts", snippetParts)
            json.field("status", status.rawValue)
            json.field("tags", tags)
            json.field("version", version)
        }
    }
}

extension GenerationView.AssetView: JSONWritable {
    public func write(to json: inout JSONWriter) {
        json.object { json in
            json.field("content_type", contentType)
            json.field("duration_s", durationS)
            json.field("has_audio", hasAudio)
            json.field("height", height)
            json.field("sha256", sha256)
            json.field("size", size)
            json.field("source_url", sourceURL)
            json.field("url", url)
            json.field("video_codec", videoCodec)
            json.field("width", width)
        }
    }
}

extension GenerationView.InputView: JSONWritable {
    public func write(to json: inout JSONWriter) {
        json.object { json in
            json.field("content_type", contentType)
            json.field("error", error)
            json.field("field", field)
            json.field("position", position)
            json.field("sha256", sha256)
            json.field("size", size)
            json.field("source_url", sourceURL)
            json.field("url", url)
        }
    }
}

extension GenerationView.ErrorView: JSONWritable {
    public func write(to json: inout JSONWriter) {
        json.object { json in
            json.field("code", code)
            json.field("message", message)
        }
    }
}

extension GenerationView.UncertainCreateView: JSONWritable {
    public func write(to json: inout JSONWriter) {
        json.object { json in
            json.field("message", message)
            json.field("since", since)
        }
    }
}

extension GenerationView.EventView: JSONWritable {
    public func write(to json: inout JSONWriter) {
        json.object { json in
            json.field("at", at)
            json.field("detail", detail)
            json.field("kind", kind)
        }
    }
}

extension SnippetPart: JSONWritable {
    public func write(to json: inout JSONWriter) {
        json.object { json in
            json.field("match", match)
            json.field("text", text)
        }
    }
}
