#!/usr/bin/env python3
"""Writes the hand-made seed inputs of fixtures/corpus/<target>/ (see tests/fuzz/README.md).

Run from anywhere: python3 tests/fuzz/make_seeds.py. Idempotent; it never deletes files, so
inputs that fuzzing found (crash-*, named after the bug) stay next to the seeds.
"""
import glob
import os
import shutil

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BASE = os.path.join(ROOT, 'fixtures', 'corpus')
NS = 'https://adwords.google.com/api/adwords/cm/v201702'


def w(target, name, data):
    d = os.path.join(BASE, target)
    os.makedirs(d, exist_ok=True)
    if isinstance(data, str):
        data = data.encode()
    with open(os.path.join(d, name), 'wb') as f:
        f.write(data)


CONTENT_RANGE = {
    'chunk_open': 'bytes 0-262143/*', 'chunk_final': 'bytes 262144-300000/300001',
    'whole': 'bytes 0-9/10', 'query_star': 'bytes */*', 'query_total': 'bytes */300001',
    'query_dotnet': 'bytes */0', 'upper_unit': 'Bytes 0-1/2', 'tabs': '\tbytes \t0-1/*\t',
    'reversed': 'bytes 5-4/10', 'past_total': 'bytes 0-9/5', 'negative': 'bytes -1-5/*',
    'overflow': 'bytes 0-99999999999999999999/*', 'max_digits': 'bytes 0-999999999999999999/*',
    'empty': '', 'no_unit': '0-9/10', 'no_slash': 'bytes 0-9', 'two_dashes': 'bytes 0-1-2/3',
    'plus': 'bytes +0-1/2', 'spaces_inside': 'bytes 0 - 1/2', 'nul': 'bytes 0-1\x00/2',
    'range_total_star_star': 'bytes */', 'unit_only': 'bytes',
}

# "<file size>\n<Range header value>"
RANGE_HEADER = {
    'first_last': '1000\nbytes=0-99', 'open_end': '1000\nbytes=500-', 'suffix': '1000\nbytes=-100',
    'suffix_whole': '10\nbytes=-100', 'suffix_zero': '1000\nbytes=-0',
    'past_end': '1000\nbytes=1000-', 'last_past_end': '1000\nbytes=990-5000',
    'empty_file': '0\nbytes=0-0', 'empty_file_suffix': '0\nbytes=-5',
    'multi': '1000\nbytes=0-1,5-6', 'other_unit': '1000\nitems=0-1',
    'reversed': '1000\nbytes=9-1', 'garbage': '1000\nbytes=a-b',
    'huge': '18446744073709551615\nbytes=18446744073709551614-',
    'overflow_digits': '1000\nbytes=0-1234567890123456789012', 'no_dash': '1000\nbytes=12',
    'bare': '1000\nbytes=-', 'no_size_line': 'bytes=0-1', 'signs': '1000\nbytes=+1--2',
}

BILLION_LAUGHS_DTD = '<?xml version="1.0"?>\n<!DOCTYPE lolz [\n <!ENTITY lol "lol">\n' + ''.join(
    f' <!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">\n'
    for i in range(1, 10)) + ']>\n'
XXE_DTD = '<?xml version="1.0"?>\n<!DOCTYPE foo [ <!ENTITY xxe SYSTEM "file:///etc/passwd"> ]>\n'

AXIS = f'''<?xml version="1.0" encoding="UTF-8"?>
<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns:xsd="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
 <soapenv:Header>
  <ns1:RequestHeader soapenv:mustUnderstand="0" xmlns:ns1="{NS}">
   <ns1:clientCustomerId>123-456-7890</ns1:clientCustomerId>
   <ns1:developerToken>DEV</ns1:developerToken>
   <ns1:userAgent>app (AwApi-Java, Axis/1.4)</ns1:userAgent>
   <ns1:validateOnly>false</ns1:validateOnly>
  </ns1:RequestHeader>
 </soapenv:Header>
 <soapenv:Body>
  <mutate xmlns="{NS}">
   <operations>
    <operator>ADD</operator>
    <operand/>
   </operations>
  </mutate>
 </soapenv:Body>
</soapenv:Envelope>
'''
SUDS = (f'<?xml version="1.0" encoding="UTF-8"?><SOAP-ENV:Envelope xmlns:ns0="http://schemas.xmlsoap.org/soap/envelope/" '
        f'xmlns:ns1="{NS}" xmlns:tns="{NS}" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
        'xmlns:SOAP-ENV="http://schemas.xmlsoap.org/soap/envelope/"><SOAP-ENV:Header><tns:RequestHeader>'
        '<tns:clientCustomerId>1234567890</tns:clientCustomerId><tns:developerToken>DEV</tns:developerToken>'
        '<tns:userAgent>x (AwApi-Python, googleads/5.3.0)</tns:userAgent><tns:validateOnly>false</tns:validateOnly>'
        '<tns:partialFailure>false</tns:partialFailure></tns:RequestHeader></SOAP-ENV:Header><ns0:Body><ns1:get>'
        '<ns1:selector><ns1:fields>Id</ns1:fields><ns1:fields>Status</ns1:fields><ns1:predicates><ns1:field>Id'
        '</ns1:field><ns1:operator>IN</ns1:operator><ns1:values>1</ns1:values><ns1:values>2</ns1:values>'
        '</ns1:predicates><ns1:paging><ns1:startIndex>0</ns1:startIndex><ns1:numberResults>100'
        '</ns1:numberResults></ns1:paging></ns1:selector></ns1:get></ns0:Body></SOAP-ENV:Envelope>')
SAVON = (f'<?xml version="1.0" encoding="UTF-8"?>\n<env:Envelope xmlns:xsd="http://www.w3.org/2001/XMLSchema" '
         f'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:wsdl="{NS}" '
         'xmlns:env="http://schemas.xmlsoap.org/soap/envelope/"><env:Header><wsdl:RequestHeader '
         f'xmlns="{NS}"><clientCustomerId>123-456-7890</clientCustomerId><developerToken>DEV</developerToken>'
         '<userAgent>r (AwApi-Ruby)</userAgent></wsdl:RequestHeader></env:Header><env:Body><wsdl:query><query>'
         "SELECT Id, Status WHERE Status = 'DONE' ORDER BY Id DESC LIMIT 0,10</query></wsdl:query></env:Body>"
         '</env:Envelope>')
DOTNET = ('<?xml version="1.0" encoding="utf-8"?><soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/" '
          'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:xsd="http://www.w3.org/2001/XMLSchema">'
          f'<soap:Header><RequestHeader xmlns="{NS}"><clientCustomerId>1234567890</clientCustomerId>'
          '<developerToken>DEV</developerToken><userAgent>n (AwApi-DotNet)</userAgent><validateOnly>True'
          '</validateOnly><partialFailure xsi:nil="true"/></RequestHeader></soap:Header><soap:Body>'
          f'<mutate xmlns="{NS}"><operations><operator>REMOVE</operator><operand><id>42</id><status>CANCELING'
          '</status></operand></operations></mutate></soap:Body></soap:Envelope>')


def envelope_with(inner):
    return ('<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/"><soapenv:Body>'
            f'<get xmlns="{NS}"><selector><fields>{inner}</fields></selector></get></soapenv:Body></soapenv:Envelope>')


MUTATE_OPEN = f'<mutate xmlns="{NS}" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
OP = ('<operations xsi:type="BudgetOperation"><operator>ADD</operator><operand><budgetId>-1</budgetId>'
      '<name>b</name><amount><microAmount>1000000</microAmount></amount></operand></operations>')


def varint(v):
    out = b''
    while v >= 0x80:
        out += bytes([(v & 0x7F) | 0x80])
        v >>= 7
    return out + bytes([v])


def pack_entry(id_, parent, name, status, node):
    return (varint(id_) + varint(parent) + varint(len(name)) + name + varint(len(status)) + status +
            varint(len(node)) + node)


PACK_FIRST = pack_entry(16927170000, 40123450000, b'mars cruise', b'ENABLED', b'n\x70\x00\x03abc}')
PACK = PACK_FIRST + pack_entry(16927170001, 40123450000, b'', b'PAUSED', b'n' * 300)
PACK_CODEC = {
    'two_entries': PACK, 'one_entry': PACK_FIRST,
    'cut_in_second': PACK[:-10], 'empty': b'', 'endless_varint': b'\xff' * 12,
    'length_past_end': b'\x01\x01\x7f', 'id_over_int64': b'\xff' * 9 + b'\x01' + b'\x01\x00\x00\x00',
}


def main():
    for k, v in PACK_CODEC.items():
        w('pack_codec', k, v)
    for k, v in CONTENT_RANGE.items():
        w('content_range', k, v)
    for k, v in RANGE_HEADER.items():
        w('range_header', k, v)

    w('soap_envelope', 'axis_mutate.xml', AXIS)
    w('soap_envelope', 'suds_get.xml', SUDS)
    w('soap_envelope', 'savon_query.xml', SAVON)
    w('soap_envelope', 'dotnet_mutate.xml', DOTNET)
    w('soap_envelope', 'billion_laughs.xml', BILLION_LAUGHS_DTD + envelope_with('&lol9;'))
    w('soap_envelope', 'external_entity.xml', XXE_DTD + envelope_with('&xxe;'))
    w('soap_envelope', 'external_dtd.xml',
      '<?xml version="1.0"?><!DOCTYPE Envelope SYSTEM "http://127.0.0.1:1/evil.dtd">' + envelope_with('x'))
    w('soap_envelope', 'undeclared_entity.xml', envelope_with('&nope;'))
    w('soap_envelope', 'char_refs.xml', envelope_with('&#65;&#x42;&lt;&amp;&quot;&apos;&gt;&#0;'))
    w('soap_envelope', 'truncated.xml', AXIS[:400])
    w('soap_envelope', 'not_envelope.xml', '<mutate/>')
    w('soap_envelope', 'no_body.xml', '<Envelope><Header/></Envelope>')
    w('soap_envelope', 'empty_body.xml', '<e:Envelope xmlns:e="x"><e:Body>  </e:Body></e:Envelope>')
    w('soap_envelope', 'bad_boolean.xml', DOTNET.replace('<validateOnly>True', '<validateOnly>maybe'))
    w('soap_envelope', 'empty', '')
    w('soap_envelope', 'bom_utf16.xml', '\ufeff<Envelope><Body><get/></Body></Envelope>'.encode('utf-16'))

    os.makedirs(os.path.join(BASE, 'op_reader'), exist_ok=True)
    for f in sorted(glob.glob(os.path.join(ROOT, 'fixtures', 'uploads', '*.xml'))):
        shutil.copy(f, os.path.join(BASE, 'op_reader', 'dialect_' + os.path.basename(f)))
    for f in ['php_legacy.xml', 'java_jaxws.xml', 'python_suds.xml']:
        shutil.copy(os.path.join(ROOT, 'fixtures', 'uploads', 'parser', f),
                    os.path.join(BASE, 'op_reader', 'parser_' + f))
    w('op_reader', 'billion_laughs.xml',
      BILLION_LAUGHS_DTD + MUTATE_OPEN + OP.replace('<name>b</name>', '<name>&lol9;</name>') + '</mutate>')
    w('op_reader', 'external_entity.xml',
      XXE_DTD + MUTATE_OPEN + OP.replace('<name>b</name>', '<name>&xxe;</name>') + '</mutate>')
    w('op_reader', 'external_dtd.xml',
      '<?xml version="1.0"?><!DOCTYPE mutate SYSTEM "http://127.0.0.1:1/evil.dtd">' + MUTATE_OPEN + OP + '</mutate>')
    w('op_reader', 'parameter_entity.xml',
      '<?xml version="1.0"?><!DOCTYPE mutate [<!ENTITY % p SYSTEM "file:///etc/passwd"> %p;]>' + MUTATE_OPEN + OP +
      '</mutate>')
    w('op_reader', 'undeclared_entity.xml',
      MUTATE_OPEN + OP.replace('<name>b</name>', '<name>&nope;</name>') + '</mutate>')
    w('op_reader', 'truncated.xml', (MUTATE_OPEN + OP * 3)[:-100])
    w('op_reader', 'wrong_root.xml', '<get>' + OP + '</get>')
    w('op_reader', 'wrong_child.xml', MUTATE_OPEN + '<selector/>' + OP + '</mutate>')
    w('op_reader', 'unknown_type.xml', MUTATE_OPEN + OP.replace('BudgetOperation', 'NopeOperation') + OP + '</mutate>')
    w('op_reader', 'nil_and_markers.xml',
      MUTATE_OPEN + '<operations xsi:type="BudgetOperation"><Operation.Type>BudgetOperation</Operation.Type>'
      '<operator>ADD</operator><operand><Budget.Type>Budget</Budget.Type><budgetId xsi:nil="true"/><name>n</name>'
      '</operand></operations></mutate>')
    w('op_reader', 'padded_final.xml', MUTATE_OPEN + OP + '</mutate>' + ' ' * 2000)
    w('op_reader', 'bom.xml', '\ufeff' + MUTATE_OPEN + OP + '</mutate>')
    w('op_reader', 'deep_nesting.xml',
      MUTATE_OPEN + '<operations xsi:type="BudgetOperation"><operand>' + '<amount>' * 2000 + '</amount>' * 2000 +
      '</operand></operations></mutate>')
    w('op_reader', 'many_attributes.xml',
      MUTATE_OPEN + '<operations xsi:type="BudgetOperation" ' + ' '.join(f'a{i}="{i}"' for i in range(300)) +
      '><operator>ADD</operator></operations></mutate>')
    w('op_reader', 'empty', '')
    w('op_reader', 'garbage', b'\x00\xff\xfe<<<>>>&&&')
    w('op_reader', 'latin1.xml',
      b'<?xml version="1.0" encoding="ISO-8859-1"?>' + MUTATE_OPEN.encode() +
      OP.replace('<name>b</name>', '<name>caf\xe9</name>').encode('latin-1') + b'</mutate>')


if __name__ == '__main__':
    main()
