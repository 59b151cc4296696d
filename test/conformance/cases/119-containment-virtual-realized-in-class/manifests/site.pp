class declarer { @notify { 'v': } }
class realizer { realize(Notify['v']) }
include declarer
include realizer
