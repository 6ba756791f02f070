// Loaded as <script type="module" src="/static/js/init.js"> at the end of
// <body>. No inline scripts: the CSP forbids them.
//
// GOV.UK Frontend's template.njk normally runs this inline, first thing in
// <body>:
//   document.body.className += ' js-enabled' +
//     ('noModule' in HTMLScriptElement.prototype ? ' govuk-frontend-supported' : '');
// A browser that runs a module script always supports ES modules (the
// 'noModule' check), so both classes are added unconditionally here.
import { initAll } from '../govuk/govuk-frontend.min.js'

document.body.classList.add('js-enabled', 'govuk-frontend-supported')

initAll()
