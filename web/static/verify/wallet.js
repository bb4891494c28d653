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
        return
      }
    } catch (e) {
      // a network hiccup: try again at the next tick
    }
    setTimeout(poll, 1500)
  }
  setTimeout(poll, 1500)
})()
