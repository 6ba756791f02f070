// The GOV.UK timeout warning: a few minutes before the session's idle timeout, a modal dialog
// offers to stay signed in. Loaded as a module by templates/base.html for signed-in people;
// without JavaScript nothing shows (and a form sent after the timeout is kept on the server
// for its person to save after signing in again).
const dialog = document.getElementById('timeout-warning')

if (dialog && typeof dialog.showModal === 'function') {
  const warningSeconds = Number(dialog.dataset.warningSeconds)
  const keepAliveUrl = dialog.dataset.keepAliveUrl
  const countdown = dialog.querySelector('.app-timeout-warning__countdown')
  const before = dialog.querySelector('.app-timeout-warning__before')
  const after = dialog.querySelector('.app-timeout-warning__after')
  let endsAt = Date.now() + Number(dialog.dataset.secondsLeft) * 1000
  let timer = null

  const describe = (seconds) => {
    if (seconds >= 120) return `${Math.ceil(seconds / 60)} minutes`
    if (seconds >= 60) return '1 minute'
    return seconds === 1 ? '1 second' : `${seconds} seconds`
  }

  const schedule = () => {
    window.clearTimeout(timer)
    const untilWarning = endsAt - warningSeconds * 1000 - Date.now()
    timer = window.setTimeout(tick, Math.max(untilWarning, 0))
  }

  const signedOut = () => {
    before.hidden = true
    after.hidden = false
    dialog.setAttribute('aria-labelledby', 'timeout-warning-ended')
    dialog.removeAttribute('aria-describedby')
    if (!dialog.open) dialog.showModal()
    after.querySelector('h2').focus()
  }

  function tick () {
    const left = Math.round((endsAt - Date.now()) / 1000)
    if (left <= 0) {
      signedOut()
      return
    }
    countdown.textContent = describe(left)
    if (!dialog.open) dialog.showModal()
    timer = window.setTimeout(tick, 1000)
  }

  const stay = async () => {
    window.clearTimeout(timer)
    if (dialog.open) dialog.close()
    try {
      const response = await fetch(keepAliveUrl, {
        credentials: 'same-origin',
        redirect: 'manual',
        headers: { Accept: 'text/plain' }
      })
      if (response.status !== 204) {
        signedOut()
        return
      }
      endsAt = Date.now() + Number(response.headers.get('Session-Seconds-Left')) * 1000
      schedule()
    } catch (error) {
      signedOut()
    }
  }

  dialog.querySelector('.app-timeout-warning__stay').addEventListener('click', stay)
  dialog.querySelector('.app-timeout-warning__close').addEventListener('click', () => dialog.close())
  // Escape is "stay signed in" while the warning shows, as in GOV.UK's pattern.
  dialog.addEventListener('cancel', (event) => {
    if (!before.hidden) {
      event.preventDefault()
      stay()
    }
  })
  schedule()
}
