"""Who uses studyapp: users and their passwords (users), the API's bearer tokens (api_tokens).
May import storage and errors."""
