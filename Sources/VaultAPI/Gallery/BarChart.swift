import Foundation

/// A bar chart as inline SVG, drawn on the server: one bar per entry with its label and value written out, so the
/// page needs no script and reads the same to a screen reader (each bar has a `<title>`). Labels are escaped.
struct BarChart: Sendable {
    struct Bar: Sendable {
        var label: String
        var value: Double
        /// The value as shown: `$1.25`.
        var caption: String
    }

    var bars: [Bar]
    /// An accessible name for the whole chart.
    var title: String

    /// Columns, left to right (a series over days): labels under every few bars so they never overlap.
    func columns(width: Int = 720, height: Int = 200) -> String {
        let top = bars.map(\.value).filter(\.isFinite).max() ?? 0
        let plot = Double(height - 40)
        // Room on both sides for the first and last labels, which are centred under their bars.
        let margin = 36.0
        let step = (Double(width) - 2 * margin) / Double(max(bars.count, 1))
        let every = max(1, Int((84 / step).rounded(.up)))  // a day label needs about 84 units
        var marks = ""
        for (index, bar) in bars.enumerated() {
            let size = top > 0 ? bar.value / top * plot : 0
            let x = margin + Double(index) * step
            marks += """
                <rect class="bar" x="\(Self.number(x + step * 0.1))" y="\(Self.number(10 + plot - size))" \
                width="\(Self.number(step * 0.8))" height="\(Self.number(size))"><title>\(bar.label.htmlEscaped): \
                \(bar.caption.htmlEscaped)</title></rect>
                """
            if (bars.count - 1 - index) % every == 0 {  // the latest bar always has its label
                marks += """
                    <text x="\(Self.number(x + step / 2))" y="\(height - 12)" text-anchor="middle">\
                    \(bar.label.htmlEscaped)</text>
                    """
            }
        }
        return svg(width: width, height: height, marks)
    }

    /// Rows, biggest first (a breakdown by model): each bar's label on its left and its value on its right.
    func rows(width: Int = 720, rowHeight: Int = 26) -> String {
        let top = bars.map(\.value).filter(\.isFinite).max() ?? 0
        let (labels, values) = (240.0, 90.0)
        let plot = Double(width) - labels - values
        var marks = ""
        for (index, bar) in bars.enumerated() {
            let y = Double(index * rowHeight)
            let size = top > 0 ? bar.value / top * plot : 0
            marks += """
                <text x="\(Self.number(labels - 8))" y="\(Self.number(y + 17))" text-anchor="end">\
                \(bar.label.htmlEscaped)</text>\
                <rect class="bar" x="\(Self.number(labels))" y="\(Self.number(y + 4))" width="\(Self.number(size))" \
                height="\(rowHeight - 8)"><title>\(bar.label.htmlEscaped): \(bar.caption.htmlEscaped)</title></rect>\
                <text x="\(Self.number(labels + size + 6))" y="\(Self.number(y + 17))">\(bar.caption.htmlEscaped)</text>
                """
        }
        return svg(width: width, height: max(rowHeight, bars.count * rowHeight), marks)
    }

    private func svg(width: Int, height: Int, _ marks: String) -> String {
        """
        <svg class="chart" role="img" aria-label="\(title.htmlEscaped)" viewBox="0 0 \(width) \(height)" \
        width="100%" preserveAspectRatio="xMinYMin meet" xmlns="http://www.w3.org/2000/svg">\(marks)</svg>
        """
    }

    /// Coordinates with at most one decimal (a value that is no finite number draws nothing).
    private static func number(_ value: Double) -> String {
        guard value.isFinite else { return "0" }
        let rounded = (min(max(value, -1e6), 1e6) * 10).rounded() / 10
        return rounded == rounded.rounded() ? String(Int(rounded)) : String(rounded)
    }
}
