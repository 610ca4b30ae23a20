-- POST /api/v1/public/lookup for one generated ticket, over and over.
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.body = '{"citation_number":"LD-0000001","date_of_birth":"1980-01-01"}'
