#1730190000
cd ~/src/bakery
#1730190012
git status --short
#1730190030
export GITHUB_TOKEN=ghp_Qm3Xv8Lc1Rz6Tn4Wk9Pb2Yd7Hs5Jf0Ga8Ue1
#1730190044
for f in *.csv; do
  wc -l "$f"
done
#1730190100
mysql -u bakery -p'Rye&Spelt2024' -h db.internal bakery_prod
#1730190160
aws configure set aws_secret_access_key wJalrXUtnFEMI/K7MDENG/bPxRfiCYzq9Rk3Tx8b
#1730190200
make report DATE=2025-10-27
