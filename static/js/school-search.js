// The school search box, enhanced with GOV.UK's accessible-autocomplete (loaded before this
// file as a classic script, window.accessibleAutocomplete). Without JavaScript the box is a plain
// search: the server lists the matches as radios. With it, suggestions come from the register
// as the person types, and a chosen one fills the box with "Name (URN 123456)", which the
// server reads the same way as a typed URN.

(function () {
  function suggest (url) {
    let timer = null
    let controller = null
    return function (query, populate) {
      window.clearTimeout(timer)
      timer = window.setTimeout(function () {
        if (controller) controller.abort()
        controller = new AbortController()
        fetch(url + '?q=' + encodeURIComponent(query), {
          headers: { Accept: 'application/json' },
          credentials: 'same-origin',
          signal: controller.signal
        })
          .then(function (response) { return response.ok ? response.json() : { results: [] } })
          .then(function (data) { populate(data.results) })
          .catch(function () {})
      }, 50)
    }
  }

  function enhance (input) {
    const autocomplete = window.accessibleAutocomplete
    if (!autocomplete) return
    const container = document.createElement('div')
    container.className = 'app-school-search'
    input.parentNode.insertBefore(container, input)
    const id = input.id
    const name = input.name
    const value = input.value
    const describedBy = input.getAttribute('aria-describedby')
    const hasError = input.classList.contains('govuk-input--error')
    input.remove()
    autocomplete({
      element: container,
      id: id,
      name: name,
      defaultValue: value,
      minLength: 2,
      confirmOnBlur: false,
      showNoOptionsFound: true,
      inputClasses: hasError ? 'govuk-input--error' : null,
      tNoResults: function () { return 'No school found: try the URN or postcode' },
      source: suggest(input.dataset.searchUrl),
      templates: {
        inputValue: function (school) { return school ? school.label : '' },
        suggestion: function (school) {
          if (typeof school === 'string') return school
          const where = [school.postcode, school.council].filter(Boolean).join(', ')
          return school.label + (where ? ' – ' + where : '') + (school.closed ? ' (closed)' : '')
        }
      }
    })
    const enhanced = document.getElementById(id)
    if (enhanced && describedBy) {
      const own = enhanced.getAttribute('aria-describedby')
      enhanced.setAttribute('aria-describedby', own ? describedBy + ' ' + own : describedBy)
    }
  }

  document.querySelectorAll('input[data-module="app-school-search"]').forEach(enhance)
})()
