// The employer's page while a wallet is asked (OpenID4VP): polls the request's state and,
// once the wallet has answered, opens the kept result. Without script, the page's
// "Look for the answer" link reloads it, which does the same.
(function () {
  const section = document.getElementById('wallet-request')
  if (!section || !section.dataset.statusUrl) return
  const state = document.getElementById('wallet-state')
  const refusal = document.getElementById('wallet-refusal')
  const reason = refusal && refusal.querySelector('.refusal-detail')
  const said = refusal && refusal.querySelector('.refusal-text')
  const spinner = document.getElementById('wallet-spinner')

  // The expiry in the reader's own time zone and language (the server wrote it in UTC)
  const expires = document.getElementById('wallet-expires')
  if (expires && expires.dateTime) {
    const when = new Date(expires.dateTime)
    if (!Number.isNaN(when.getTime())) {
      expires.textContent = when.toLocaleTimeString(document.documentElement.lang || undefined,
        { hour: '2-digit', minute: '2-digit', hourCycle: 'h23', timeZoneName: 'short' })
    }
  }

  // "Open in the wallet on this device": a browser says nothing when no app takes the
  // openid4vp:// link. When this page is still shown, in focus, a moment later, nothing
  // opened: say so, and point to the QR code (issue 26, item 3).
  const open = document.getElementById('wallet-link')
  const notOpened = document.getElementById('wallet-not-opened')
  if (open && notOpened) {
    open.addEventListener('click', () => {
      let left = false
      const away = () => { left = true }
      window.addEventListener('blur', away, { once: true })
      window.addEventListener('pagehide', away, { once: true })
      document.addEventListener('visibilitychange', away, { once: true })
      notOpened.hidden = true
      setTimeout(() => {
        if (!left && document.visibilityState === 'visible' && document.hasFocus()) {
          notOpened.hidden = false
        }
      }, 2500)
    })
  }
  async function poll () {
    try {
      const response = await fetch(section.dataset.statusUrl, { cache: 'no-store' })
      const answer = await response.json()
      if (answer.state === 'answered') {
        window.location.assign(answer.result)
        return
      }
      if (answer.refusal && reason && reason.textContent !== answer.refusal) {
        reason.textContent = answer.refusal
        if (said) said.textContent = answer.refusalText || ''
        refusal.hidden = false
      }
      if (answer.state !== 'waiting') {
        // expired, or closed: too many answers were refused (only a valid one ends it)
        state.textContent = answer.state === 'closed' ? section.dataset.closed : section.dataset.expired
        if (spinner) spinner.hidden = true
        return
      }
    } catch (e) {
      // a network hiccup: try again at the next tick
    }
    setTimeout(poll, 1500)
  }
  setTimeout(poll, 1500)
})()
