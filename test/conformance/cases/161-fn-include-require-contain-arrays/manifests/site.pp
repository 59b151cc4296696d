class a {} class b {} class c {} class d {} class e {}
class holder {
  contain ['a', 'b']
  require c, d
  include [e]
}
include holder
