#!/usr/bin/python3
# lookup_server.py: a real HTTP server on 127.0.0.1 for the CLI tests that
# answers like the KvK (Zoeken v2, Basisprofiel v1) and VIES REST APIs with
# the fixtures in tests/data/{kvk,vies}. Usage: lookup_server.py DATA PORTFILE
# (port 0: a free port, written to PORTFILE). Stops on SIGTERM.
import json, os, sys, urllib.parse
from http.server import HTTPServer, BaseHTTPRequestHandler

data = sys.argv[1]
def fixture(name):
    with open(os.path.join(data, name), 'rb') as f:
        return f.read()

KEY = 'test-key'

class H(BaseHTTPRequestHandler):
    def log_message(self, *a):
        pass
    def send(self, status, body, ctype='application/json'):
        self.send_response(status)
        self.send_header('Content-Type', ctype)
        self.send_header('Content-Length', str(len(body)))
        self.end_headers()
        self.wfile.write(body)
    def do_GET(self):
        u = urllib.parse.urlparse(self.path)
        q = urllib.parse.parse_qs(u.query)
        if u.path.startswith('/kvk/') and self.headers.get('apikey') != KEY:
            return self.send(401, b'{"fout":[{"code":"IPD0004","omschrijving":"apikey"}]}')
        if u.path == '/kvk/v2/zoeken':
            name = q.get('naam', [''])[0].lower()
            if name == 'lindeboom' or q.get('kvkNummer') == ['04567821'] or \
               q.get('postcode') == ['3526KL']:
                return self.send(200, fixture('kvk/zoeken-v2-200-resultaten.json'),
                                 'application/hal+json')
            if name == 'links':
                # The shape of the public docs: a "links" array.
                d = json.loads(fixture('kvk/zoeken-v2-200-resultaten.json'))
                for r in d['resultaten']:
                    hal = r.pop('_links', {})
                    r['links'] = [{'rel': k, 'href': v['href']} for k, v in hal.items()]
                return self.send(200, json.dumps(d).encode())
            return self.send(404, fixture('kvk/zoeken-v2-404-geen-resultaten.json'))
        if u.path == '/kvk/v1/basisprofielen/04567821':
            return self.send(200, fixture('kvk/basisprofiel-v1-200.json'))
        if u.path.startswith('/kvk/v1/basisprofielen/'):
            return self.send(404, fixture('kvk/zoeken-v2-404-geen-resultaten.json'))
        self.send(404, b'{}')
    def do_POST(self):
        n = int(self.headers.get('Content-Length', '0'))
        req = json.loads(self.rfile.read(n) or b'{}')
        if self.path != '/vies/check-vat-number':
            return self.send(404, b'{}')
        cc, num = req.get('countryCode'), req.get('vatNumber')
        if cc == 'BE' and num == '0412345614':
            return self.send(200, fixture('vies/check-vat-number-valid-be.json'))
        if cc == 'NL' and num == '001234567B02':
            return self.send(200, fixture('vies/check-vat-number-invalid-nl.json'))
        if cc == 'DE':
            return self.send(200, json.dumps({'actionSucceed': False, 'errorWrappers':
                [{'error': 'MS_UNAVAILABLE', 'message': 'member state unavailable'}]}).encode())
        return self.send(500, b'{"actionSucceed":false,"errorWrappers":[{"error":"SERVICE_UNAVAILABLE"}]}')

srv = HTTPServer(('127.0.0.1', int(sys.argv[3]) if len(sys.argv) > 3 else 0), H)
with open(sys.argv[2] + '.tmp', 'w') as f:
    f.write(str(srv.server_address[1]))
os.rename(sys.argv[2] + '.tmp', sys.argv[2])
srv.serve_forever()
