import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { aspectOf, labelsToText, placeDiagram, socialCardSvg, wrapText } from './social-card';

const diagram = (w: number, h: number) =>
  `<svg id="arch-light-1" xmlns="http://www.w3.org/2000/svg" class="flowchart" style="max-width:${w}px" viewBox="0 0 ${w} ${h}" role="graphics-document document">` +
  '<style>#arch-light-1 .node rect{fill:#eee}</style><g class="node" filter="url(#arch-light-1-drop-shadow)" style="filter:drop-shadow(1px 2px 2px rgba(185, 185, 185, 1))">' +
  '<foreignObject width="80" height="48"><div xmlns="http://www.w3.org/1999/xhtml"><span><p><b>Orders &amp; Co</b><br/>DynamoDB table</p></span></div></foreignObject></g></svg>';

describe('wrapText', () => {
  test('breaks between words within the width', () => {
    assert.deepEqual(wrapText('one two three four', 10, 50, 4), ['one two', 'three', 'four']);
  });
  test('ends the last allowed line in an ellipsis when the text needs more', () => {
    assert.deepEqual(wrapText('one two three four', 10, 50, 2), ['one two', 'three…']);
  });
  test('keeps a word longer than a line on its own line', () => {
    assert.deepEqual(wrapText('extraordinarily long', 10, 30, 3), ['extraordinarily', 'long']);
  });
});

describe('diagram placement', () => {
  test('turns HTML labels into centred text lines, bold kept, entities decoded and re-escaped', () => {
    const out = labelsToText(diagram(400, 200));
    assert.ok(!out.includes('foreignObject'));
    assert.match(out, /<text text-anchor="middle" font-size="16" fill="#333333"><tspan x="40" y="17" font-weight="bold">Orders &amp; Co<\/tspan><tspan x="40" y="41">DynamoDB table<\/tspan><\/text>/);
  });
  test('nests the diagram in its box with its id and viewBox, shadows dropped', () => {
    const out = placeDiagram(diagram(400, 200), { x: 10, y: 20, width: 300, height: 100 });
    assert.match(out, /^<svg id="arch-light-1" x="10" y="20" width="300" height="100" viewBox="0 0 400 200" preserveAspectRatio="xMidYMid meet">/);
    assert.ok(!/filter/.test(out));
    assert.ok(out.includes('#arch-light-1 .node rect'));
  });
  test('refuses what is not a diagram SVG', () => {
    assert.throws(() => placeDiagram('<p>no</p>', { x: 0, y: 0, width: 1, height: 1 }), /not an SVG/);
    assert.throws(() => placeDiagram('<svg></svg>', { x: 0, y: 0, width: 1, height: 1 }), /no viewBox/);
  });
  test('reads the aspect ratio from the viewBox', () => {
    assert.equal(aspectOf(diagram(400, 200)), 2);
  });
});

describe('socialCardSvg', () => {
  const base = { eyebrow: 'Pattern', title: 'Queue & Function', siteName: 'Example Patterns' };
  test('is a 1200×630 SVG with the escaped title, eyebrow and site name', () => {
    const svg = socialCardSvg(base);
    assert.match(svg, /^<svg xmlns="http:\/\/www.w3.org\/2000\/svg"[^>]* width="1200" height="630" viewBox="0 0 1200 630"/);
    assert.ok(svg.includes('>Queue &amp; Function</text>') && svg.includes('>PATTERN</text>') && svg.includes('>Example Patterns</text>'));
  });
  test('sets a wide diagram below the title and a tall one beside it', () => {
    const below = /<svg id="arch-light-1" x="64" y="([\d.]+)" width="1072"/.exec(socialCardSvg({ ...base, diagramSvg: diagram(400, 150) }));
    assert.ok(below && Number(below[1]) > 150, 'wide diagram under the title');
    assert.match(socialCardSvg({ ...base, diagramSvg: diagram(200, 400) }), /<svg id="arch-light-1" x="564" y="48"/);
  });
});
