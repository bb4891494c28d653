"""HTTP plumbing every room shares: authentication, problem details, headers, request bounds, languages, confirmations, the home page."""
