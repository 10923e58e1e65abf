ls -la
cd /tmp
ls -la
curl -s https://ana:Hunter2Bakery@intranet.example.com/api/status

