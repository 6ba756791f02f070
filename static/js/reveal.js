// GOV.UK conditional reveal for radios (templates/gds/layout/_conditional_radios.html): the
// questions under a choice show only while it is chosen. Without JavaScript they all show, and
// the server ignores the answers that do not go with the choice made.
document.querySelectorAll('[data-app-reveal]').forEach((group) => {
  const inputs = Array.from(group.querySelectorAll('input[type="radio"]'))
  const sync = () => {
    inputs.forEach((input) => {
      const target = document.getElementById(input.dataset.ariaControls || '')
      if (target) target.classList.toggle('govuk-radios__conditional--hidden', !input.checked)
    })
  }
  inputs.forEach((input) => input.addEventListener('change', sync))
  window.addEventListener('pageshow', sync)
  sync()
})
