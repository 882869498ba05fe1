// A log line's text with its ANSI colours, as elements with text children (never parsed HTML).
import { ansiToSegments, type Segment } from '../lib/ansi';

export function AnsiText(props: { text: string }) {
  return <Segments segments={ansiToSegments(props.text)} />;
}

export function Segments(props: { segments: readonly Segment[] }) {
  return (
    <>
      {props.segments.map((segment, i) =>
        segment.className === undefined && segment.style === undefined ? (
          segment.text
        ) : (
          <span key={i} class={segment.className} style={segment.style}>
            {segment.text}
          </span>
        ),
      )}
    </>
  );
}

/** Lines of a model's output in a scroll box (failure tails, the card's recent log). */
export function LogTail(props: { lines: readonly string[]; label: string }) {
  return (
    <pre class="log-tail" tabIndex={0} aria-label={props.label}>
      {props.lines.map((line, i) => (
        <div key={i}>
          <AnsiText text={line} />
        </div>
      ))}
    </pre>
  );
}
