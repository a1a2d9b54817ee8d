/** The contract both report pages keep (report.html, summary.html): one file, nothing fetched. */

/** Asserts that `html` is one self-contained page: three inline scripts (data, Chart.js, ours), no src, link or remote URL. */
export function expectSelfContainedPage(html: string): void {
  expect(html.match(/<script\b/g)).toHaveLength(3);
  expect(html).not.toMatch(/<script[^>]*\ssrc=/);
  expect(html).not.toMatch(/<link\b/);
  expect(html).not.toMatch(/(src|href)="https?:/);
  expect(html).toContain('Chart.js v4');
}
