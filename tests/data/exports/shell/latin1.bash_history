#1730190000
echo café au lait
#1730190010
ls
